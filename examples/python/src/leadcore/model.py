"""leadcore.Model: the axes, values and rules that judge every disposition."""
from __future__ import annotations

import ctypes
import json
import os
import weakref
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple, Union

from . import _ffi
from ._ffi import check, enc, text
from .errors import NotFoundError

#: The axes of a model, in the library's order.
AXES = ("action", "milestone", "status", "phase", "stage", "lifecycle", "reason")


@dataclass(frozen=True)
class Value:
    """A value of an axis: its key, label, description, flags and parent (a stage's phase)."""

    key: str
    label: str
    description: str
    flags: FrozenSet[str]
    parent: Optional[str] = None


def axis_id(name: str) -> int:
    """The library's number for an axis name ("status", "stages", ...)."""
    return _ffi.parse_enum("lc_axis_parse", name)


class Model:
    """An immutable model. Build one with Model.preset(), Model.from_file() or Model.from_json().

    The C handle is freed by close(), by the `with` block, or when the object is collected.
    """

    def __init__(self, handle: ctypes.c_void_p) -> None:
        self._h = handle
        self._finalizer = weakref.finalize(self, _ffi.lib().lc_model_free, handle)

    @classmethod
    def _load(cls, fn: str, *args: Optional[bytes]) -> "Model":
        out = ctypes.c_void_p()
        check(getattr(_ffi.lib(), fn)(ctypes.byref(out), *args))
        return cls(out)

    @classmethod
    def preset(cls, name: str) -> "Model":
        """A preset that ships inside the library (Model.presets() lists them)."""
        return cls._load("lc_model_preset", enc(name))

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Model":
        """A model from a JSON file (docs/model-format.md); FormatError lists every problem."""
        return cls._load("lc_model_load_file", os.fsencode(path))

    @classmethod
    def from_json(cls, source: Union[str, Mapping[str, Any]], name: str = "<string>") -> "Model":
        """A model from JSON text or from a dict in the same format."""
        body = source if isinstance(source, str) else json.dumps(source)
        return cls._load("lc_model_load_string", enc(body), enc(name))

    @staticmethod
    def presets() -> List[str]:
        L = _ffi.lib()
        out = ctypes.c_void_p()
        check(L.lc_model_presets(ctypes.byref(out)))
        try:
            return [r["name"] or "" for r in _ffi.read_table(out)[1]]
        finally:
            L.lc_table_free(out)

    @staticmethod
    def check(source: Union[str, "os.PathLike[str]", Mapping[str, Any]]) -> List[str]:
        """Every problem of a model file (a path) or a dict, as `SOURCE:LINE:COLUMN: sentence`."""
        L = _ffi.lib()
        out = ctypes.c_void_p()
        if isinstance(source, Mapping):
            check(L.lc_model_check_string(enc(json.dumps(source)), b"<dict>", ctypes.byref(out)))
        else:
            check(L.lc_model_check_file(os.fsencode(source), ctypes.byref(out)))
        try:
            return [r["text"] or "" for r in _ffi.read_table(out)[1]]
        finally:
            L.lc_table_free(out)

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def handle(self) -> ctypes.c_void_p:
        if not self._finalizer.alive:
            raise ValueError("the model was closed")
        return self._h

    @property
    def name(self) -> str:
        return text(_ffi.lib().lc_model_name(self.handle)) or ""

    @property
    def version(self) -> int:
        return int(_ffi.lib().lc_model_version(self.handle))

    @property
    def description(self) -> str:
        return text(_ffi.lib().lc_model_description(self.handle)) or ""

    def values(self, axis: str) -> Tuple[Value, ...]:
        """The values of one axis, in the model's order."""
        L, h, a = _ffi.lib(), self.handle, axis_id(axis)
        parent_axis = {"stage": "phase", "status": "lifecycle"}.get(text(L.lc_axis_name(a)) or "")
        out: List[Value] = []
        for i in range(L.lc_model_value_count(h, a)):
            flags = L.lc_model_value_flags(h, a, i)
            parent = None
            idx = ctypes.c_size_t()
            if parent_axis and L.lc_model_value_parent(h, a, i, ctypes.byref(idx)) == 0:
                parent = text(L.lc_model_value_key(h, axis_id(parent_axis), idx.value))
            out.append(Value(key=text(L.lc_model_value_key(h, a, i)) or "",
                             label=text(L.lc_model_value_label(h, a, i)) or "",
                             description=text(L.lc_model_value_description(h, a, i)) or "",
                             flags=frozenset(k for k, bit in _ffi.VALUE_FLAGS.items()
                                             if flags & bit),
                             parent=parent))
        return tuple(out)

    @property
    def axes(self) -> Dict[str, Tuple[Value, ...]]:
        """Every axis with its values: {"milestone": (Value, ...), ...} (empty axes included)."""
        return {a: self.values(a) for a in AXES}

    def key(self, axis: str, key_or_label: str) -> str:
        """The key of a value given by key or label (NotFoundError lists the keys)."""
        L, idx, a = _ffi.lib(), ctypes.c_size_t(), axis_id(axis)
        check(L.lc_model_value_find(self.handle, a, enc(key_or_label), ctypes.byref(idx)))
        return text(L.lc_model_value_key(self.handle, a, idx.value)) or ""

    def label(self, axis: str, key: str) -> str:
        """The label of a value given by key or label."""
        L, idx, a = _ffi.lib(), ctypes.c_size_t(), axis_id(axis)
        check(L.lc_model_value_find(self.handle, a, enc(key), ctypes.byref(idx)))
        return text(L.lc_model_value_label(self.handle, a, idx.value)) or ""

    def next(self, axis: str, key_or_label: str) -> Optional[str]:
        """The key of the value that comes next on an ordered axis ("stage" or "milestone")
        after the one given: where a lead goes when it progresses one step (seed 001's
        "next status"). A repeatable stage is its own next; None for a closed or terminal
        value, or when no later value is open to a step forward."""
        L, idx, a = _ffi.lib(), ctypes.c_size_t(), axis_id(axis)
        check(L.lc_model_value_find(self.handle, a, enc(key_or_label), ctypes.byref(idx)))
        nxt = ctypes.c_size_t()
        rc = L.lc_model_value_next(self.handle, a, idx.value, ctypes.byref(nxt))
        if rc == NotFoundError.code:
            return None
        check(rc)
        return text(L.lc_model_value_key(self.handle, a, nxt.value)) or ""

    @property
    def rules(self) -> List[str]:
        """Every rule of the model as one English sentence."""
        L = _ffi.lib()
        out = ctypes.c_void_p()
        check(L.lc_model_rules(self.handle, ctypes.byref(out)))
        try:
            return [r["text"] or "" for r in _ffi.read_table(out)[1]]
        finally:
            L.lc_table_free(out)

    def to_json(self) -> str:
        """The model as canonical JSON (loading it gives an equal model)."""
        buf = ctypes.c_void_p()
        check(_ffi.lib().lc_model_to_json(self.handle, ctypes.byref(buf), None))
        return _ffi.take_string(buf)

    def to_dot(self) -> str:
        """The pipeline as a Graphviz DOT digraph."""
        buf = ctypes.c_void_p()
        check(_ffi.lib().lc_model_to_dot(self.handle, None, 0, ctypes.byref(buf), None))
        return _ffi.take_string(buf)

    def __repr__(self) -> str:
        if not self._finalizer.alive:
            return "<leadcore.Model (closed)>"
        return f"<leadcore.Model {self.name} v{self.version}>"
