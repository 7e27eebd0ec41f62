"""Tests the ctypes binding against the library of this build (run by meson)."""
import sys

import leadcore


def main():
    assert leadcore.version().count(".") == 2
    assert leadcore.parse_time("1970-01-02") == 86400
    try:
        leadcore.parse_time("yesterday")
        raise AssertionError("a bad time was accepted")
    except leadcore.LeadcoreError as e:
        assert e.name == "LC_EFORMAT" and "ISO 8601" in str(e), e

    with leadcore.Store(":memory:", preset="leadmanager") as store:
        ana = store.add_lead(name="Ana", phone="+1 555 0100")
        bo = store.add_lead(name="Bo", email="bo@example.com")
        assert ana > 0 and bo > ana
        store.dispose(ana, action="call", milestone="Contacted", status="hot",
                      follow_up="2100-01-01T10:00:00Z", note="wants a quote")
        # A refused disposition raises with every violation, and writes nothing.
        try:
            store.dispose(bo, action="email", milestone="sold", status="new")
            raise AssertionError("a refused disposition was applied")
        except leadcore.LeadcoreError as e:
            assert e.name == "LC_EINVALID", e.name
            codes = [code for code, field, message in e.violations]
            assert "combination_not_allowed" in codes, e.violations
        # Unknown values and bad bytes surface as errors, not crashes.
        try:
            store.dispose(bo, action="call", status="Hott")
            raise AssertionError("an unknown status was accepted")
        except leadcore.LeadcoreError as e:
            assert e.name == "LC_ENOTFOUND" and "hot" in str(e), str(e)
        lead = leadcore._p()
        assert leadcore._lead_new(leadcore.ctypes.byref(lead)) == 0
        assert leadcore._lead_set_text(lead, leadcore.TEXT_FIELDS["name"], b"bad \xff") == -1
        assert "UTF-8" in leadcore._error_last().decode()
        leadcore._lead_free(lead)
        counts = store.pipeline("milestone", "status")
        assert counts[("Contacted", "Hot")] == 1, counts
        assert counts[("No Milestone", "New")] == 1, counts
    try:
        leadcore.Store(":memory:", preset="nosuch")
        raise AssertionError("an unknown preset was accepted")
    except leadcore.LeadcoreError as e:
        assert e.name == "LC_ENOTFOUND" and "leadmanager" in str(e), str(e)
    print("python binding: 1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
