/* Entry i of a lead's list, read with lc_lead_list_get(); an empty entry
 * (NULL texts, LC_TIME_NONE) when there is none. */
#ifndef LC_TEST_LEAD_ENTRY_H
#define LC_TEST_LEAD_ENTRY_H

#include "leadcore/lead.h"

static inline lc_lead_entry lead_entry(const lc_lead *l, lc_lead_list which, size_t i)
{
	lc_lead_entry e = LC_LEAD_ENTRY_INIT;
	lc_lead_list_get(l, which, i, &e);
	return e;
}

#endif
