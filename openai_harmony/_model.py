"""Base class of the chat data model: pydantic's ``BaseModel`` surface on stdlib dataclasses.

Instances keep their fields in ``__dict__`` and the names given explicitly in
``__pydantic_fields_set__``, the layout of pydantic models, so pickles load across this
package and the official one and pydantic-core can build and dump them directly.
pydantic itself stays optional: with it installed, validation, ``model_dump`` options,
``model_json_schema`` and errors are pydantic's own (see ``_pydantic.py``); without it the
hand-written lax checks of ``chat.py`` apply and the pydantic-only options raise.
"""

from __future__ import annotations

import copy as _copy
import inspect
import json
import warnings
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Set, Tuple, cast

_PYDANTIC: Any = None  # the _pydantic module, False when pydantic is not installed

# Fields are stored with object.__setattr__, never through ``obj.__dict__``: on CPython 3.11
# touching ``__dict__`` turns the instance's inline attribute values into a real dict, and
# every later attribute read (the renderer's) gets several times slower.
_osa = object.__setattr__


def pydantic_support() -> Any:
    """The ``_pydantic`` helper module, or None when pydantic is not installed."""
    global _PYDANTIC
    if _PYDANTIC is None:
        try:
            from . import _pydantic
        except ImportError:
            _PYDANTIC = False
        else:
            _PYDANTIC = _pydantic
    return _PYDANTIC or None


def _deprecated(message: str) -> None:
    # pydantic's own warning class (it appends the migration-guide sentence) when present.
    category: Any = DeprecationWarning
    if pydantic_support() is not None:
        from pydantic.warnings import PydanticDeprecatedSince20

        warnings.warn(PydanticDeprecatedSince20(message), stacklevel=3)
        return
    warnings.warn(message, category, stacklevel=3)


def _needs_pydantic(what: str) -> Any:
    support = pydantic_support()
    if support is None:
        raise ImportError(f"{what} needs pydantic (pip install pydantic)")
    return support


class _ClassProperty:
    """``Model.model_fields``-style attribute computed from the class."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, cls: type) -> Any:
        return self.fn(cls)


# Spec entry: (field name, kind, default or _REQUIRED, default factory or None).
Spec = Tuple[Tuple[str, str, Any, Optional[Callable[[], Any]]], ...]


class _Model:
    """pydantic ``BaseModel``'s API over a dataclass (subclasses set ``_h_spec``)."""

    __slots__ = ("_h_fields_set",)
    _h_fields_set: Any  # the given fields: a bit mask from the constructor, else a set
    _h_spec: Spec = ()
    _h_names: FrozenSet[str] = frozenset()
    _h_order: Tuple[str, ...] = ()
    _h_bits: Dict[str, int] = {}
    # Checkers set by chat.py: kind -> fast check (value or _BAD), kind -> lax validation.
    _h_fast: Dict[str, Callable[[Any], Any]] = {}
    _h_lax: Dict[str, Callable[[str, str, Any], Any]] = {}
    _h_bad: Any = None
    model_config: Dict[str, Any] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._h_order = tuple(name for name, _k, _d, _f in cls._h_spec)
        cls._h_names = frozenset(cls._h_order)
        # The constructor records the fields it was given as a bit mask (no set to allocate).
        cls._h_bits = {name: 1 << i for i, name in enumerate(cls._h_order)}
        cls.__module__ = "openai_harmony"  # where the official defines them; pickles say so

    def __init__(self, /, **data: Any) -> None:
        _slow_init(self, data)

    @property
    def __pydantic_fields_set__(self) -> Set[str]:
        try:
            fs = self._h_fields_set
        except AttributeError:
            # Built without a constructor (the parser): every field counts as set, as for
            # the official's messages, which it builds with every field.
            fs = set(self._h_names)
        else:
            if type(fs) is not int:
                return fs  # type: ignore[no-any-return]
            fs = {name for i, name in enumerate(self._h_order) if fs >> i & 1}
        _osa(self, "_h_fields_set", fs)
        return fs

    @__pydantic_fields_set__.setter
    def __pydantic_fields_set__(self, value: Set[str]) -> None:
        object.__setattr__(self, "_h_fields_set", value)

    # pydantic-core sets these on the instances it builds; these models have neither.
    __pydantic_extra__ = property(lambda self: None, lambda self, value: None)
    __pydantic_private__ = property(lambda self: None, lambda self, value: None)

    def __setattr__(self, name: str, value: Any) -> None:
        bit = self._h_bits.get(name)
        if bit is not None:
            _osa(self, name, value)
            try:
                fs = self._h_fields_set
            except AttributeError:
                return  # every field already counts as set
            if type(fs) is int:
                _osa(self, "_h_fields_set", fs | bit)
            else:
                fs.add(name)
        elif name[:1] == "_":
            _osa(self, name, value)
        else:
            raise ValueError(f'"{type(self).__name__}" object has no field "{name}"')

    # -- printing, pickling, copying -------------------------------------------------

    def __repr_args__(self) -> Iterator[Tuple[str, Any]]:
        for name in self._h_order:
            yield name, getattr(self, name, None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__repr_str__(', ')})"

    def __str__(self) -> str:
        return self.__repr_str__(" ")

    def __repr_str__(self, join_str: str) -> str:
        return join_str.join(f"{k}={v!r}" for k, v in self.__repr_args__())

    def __getstate__(self) -> Dict[str, Any]:
        return {
            "__dict__": self.__dict__,
            "__pydantic_extra__": None,
            "__pydantic_fields_set__": self.__pydantic_fields_set__,
            "__pydantic_private__": None,
        }

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple):  # (__dict__, slots) of pickles made before 0.0.8's model
            state, slots = state
            fields_set = (slots or {}).get("_h_fields_set")
        elif "__dict__" in state:
            fields_set = state.get("__pydantic_fields_set__")
            state = state["__dict__"]
        else:
            fields_set = None
        for key, value in state.items():
            _osa(self, key, value)
        if fields_set is not None:
            object.__setattr__(self, "_h_fields_set", set(fields_set))

    def __copy__(self) -> Any:
        out = object.__new__(type(self))
        for key, value in self.__dict__.items():
            _osa(out, key, value)
        _osa(out, "_h_fields_set", set(self.__pydantic_fields_set__))
        return out

    def __deepcopy__(self, memo: Optional[Dict[int, Any]] = None) -> Any:
        out = object.__new__(type(self))
        if memo is None:
            memo = {}
        memo[id(self)] = out
        for key, value in self.__dict__.items():
            _osa(out, key, _copy.deepcopy(value, memo))
        _osa(out, "_h_fields_set", set(self.__pydantic_fields_set__))
        return out

    def __iter__(self) -> Iterator[Any]:
        # pydantic models iterate over (field name, value) pairs.
        return iter([(k, v) for k, v in self.__dict__.items() if not k.startswith("_")])

    # -- pydantic v2 API ---------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """pydantic hook: the model's core schema (fields typed as in the official)."""
        return _needs_pydantic("a pydantic schema").model_core_schema(cls, handler)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        """pydantic hook: the JSON schema, identical to the official model's."""
        return _needs_pydantic("a JSON schema").model_json_schema(cls, core_schema, handler)

    @_ClassProperty
    def model_fields(cls: Any) -> Dict[str, Any]:
        """Field name -> pydantic ``FieldInfo`` (dataclass ``Field`` without pydantic)."""
        support = pydantic_support()
        if support is None:
            return dict(cls.__dataclass_fields__)
        return cast(Dict[str, Any], support.field_infos(cls))

    @_ClassProperty
    def model_computed_fields(cls: Any) -> Dict[str, Any]:
        """No computed fields (as in the official models)."""
        return {}

    @property
    def model_extra(self) -> Optional[Dict[str, Any]]:
        """Always None: extra fields are ignored, as in the official models."""
        return None

    @property
    def model_fields_set(self) -> Set[str]:
        """Names of the fields set explicitly (constructor, assignment, update)."""
        return self.__pydantic_fields_set__

    @classmethod
    def model_construct(cls, _fields_set: Optional[Set[str]] = None, **values: Any) -> Any:
        """Build without validation; missing fields take their defaults."""
        out = object.__new__(cls)
        given = set()
        for name, _kind, default, factory in cls._h_spec:
            if name in values:
                _osa(out, name, values[name])
                given.add(name)
            elif factory is not None:
                _osa(out, name, factory())
            elif default is not _REQUIRED_REF[0]:
                _osa(out, name, default)
        object.__setattr__(out, "_h_fields_set", set(_fields_set) if _fields_set is not None else given)
        return out

    def model_copy(self, *, update: Optional[Mapping[str, Any]] = None, deep: bool = False) -> Any:
        """Shallow (or deep) copy; ``update`` values are set unvalidated, as pydantic does."""
        if deep and update:
            out = self.__copy__()
            memo: Dict[int, Any] = {id(self): out}
            for k, v in self.__dict__.items():
                if k not in update:
                    _osa(out, k, _copy.deepcopy(v, memo))
        else:
            out = self.__deepcopy__() if deep else self.__copy__()
        if update:
            for k, v in update.items():  # any key, unvalidated, as pydantic does
                _osa(out, k, v)
            out.__pydantic_fields_set__.update(update.keys())
        return out

    def model_dump(self, *, mode: str = "python", exclude_none: bool = False, **options: Any) -> Dict[str, Any]:
        """Fields as a dict, like pydantic (``mode="json"`` gives plain JSON values)."""
        support = pydantic_support()
        if support is None:
            return _fallback_dump(self, mode, exclude_none, options)
        return cast(Dict[str, Any], support.adapter(type(self)).serializer.to_python(
            self, mode=mode, exclude_none=exclude_none, **options
        ))

    def model_dump_json(self, *, indent: Optional[int] = None, exclude_none: bool = False, **options: Any) -> str:
        """JSON of the fields, formatted like pydantic-core."""
        support = pydantic_support()
        if support is None:
            if indent is not None:
                _needs_pydantic("model_dump_json(indent=...)")
            from ._compat.json_value import JsonDumpError, pydantic_json
            from .chat import ValidationError

            try:
                return pydantic_json(_fallback_dump(self, "json", exclude_none, options))
            except JsonDumpError as exc:  # as the pydantic path: a validation-style error
                raise ValidationError(str(exc)) from None
        raw: bytes = support.adapter(type(self)).serializer.to_json(
            self, indent=indent, exclude_none=exclude_none, **options
        )
        return raw.decode("utf-8")

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Any:
        """``obj`` if already an instance, else a new one validated from a mapping of fields."""
        support = pydantic_support()
        if support is None:
            if isinstance(obj, cls):
                return obj
            if isinstance(obj, Mapping):
                return cls(**obj)
            from .chat import ValidationError

            raise ValidationError(f"{cls.__name__}: expected a dict or {cls.__name__}, got {obj!r:.80}")
        return support.adapter(cls).validate_python(obj, **options)

    @classmethod
    def model_validate_json(cls, json_data: Any, **options: Any) -> Any:
        """Validate a JSON document (str or bytes) into an instance."""
        support = pydantic_support()
        if support is None:
            return cls.model_validate(json.loads(json_data))
        return support.adapter(cls).validate_json(json_data, **options)

    @classmethod
    def model_validate_strings(cls, obj: Any, **options: Any) -> Any:
        """Validate from strings (pydantic's ``validate_strings``)."""
        return _needs_pydantic("model_validate_strings").adapter(cls).validate_strings(obj, **options)

    @classmethod
    def model_json_schema(cls, by_alias: bool = True, ref_template: str = "#/$defs/{model}", **options: Any) -> Dict[str, Any]:
        """The JSON schema of the model (the official model's schema)."""
        ta = _needs_pydantic("model_json_schema").adapter(cls)
        return cast(Dict[str, Any], ta.json_schema(by_alias=by_alias, ref_template=ref_template, **options))

    @classmethod
    def model_rebuild(cls, **_options: Any) -> Optional[bool]:
        """Nothing to rebuild: the schema is built on first use (returns None like pydantic)."""
        return None

    @classmethod
    def model_parametrized_name(cls, params: Tuple[type, ...]) -> str:
        """Name of a parametrized generic model (these models are not generic)."""
        raise TypeError("Concrete names should only be generated for generic models.")

    def model_post_init(self, context: Any, /) -> None:
        """Hook run after validation (nothing to do)."""

    # -- pydantic v1 names (kept by pydantic 2 with a DeprecationWarning) ------------------

    def dict(self, **options: Any) -> Dict[str, Any]:
        """Deprecated: ``model_dump``."""
        _deprecated("The `dict` method is deprecated; use `model_dump` instead.")
        return self.model_dump(**options)

    def json(self, **options: Any) -> str:
        """Deprecated: ``model_dump_json``."""
        _deprecated("The `json` method is deprecated; use `model_dump_json` instead.")
        return self.model_dump_json(**options)

    def copy(self, *, update: Optional[Mapping[str, Any]] = None, deep: bool = False, **_options: Any) -> Any:
        """Deprecated: ``model_copy``."""
        _deprecated(
            "The `copy` method is deprecated; use `model_copy` instead. See the docstring of "
            "`BaseModel.copy` for details about how to handle `include` and `exclude`."
        )
        return self.model_copy(update=update, deep=deep)

    @classmethod
    def parse_obj(cls, obj: Any) -> Any:
        """Deprecated: ``model_validate``."""
        _deprecated("The `parse_obj` method is deprecated; use `model_validate` instead.")
        return cls.model_validate(obj)

    @classmethod
    def parse_raw(cls, b: Any, **_options: Any) -> Any:
        """Deprecated: ``model_validate_json``."""
        _deprecated(
            "The `parse_raw` method is deprecated; if your data is JSON use `model_validate_json`, "
            "otherwise load the data then use `model_validate` instead."
        )
        _deprecated("`load_str_bytes` is deprecated.")  # pydantic warns twice here
        return cls.model_validate_json(b)

    @classmethod
    def parse_file(cls, path: Any, **_options: Any) -> Any:
        """Deprecated: read the file, then ``model_validate_json``."""
        _deprecated(
            "The `parse_file` method is deprecated; load the data from file, then if your data is "
            "JSON use `model_validate_json`, otherwise `model_validate` instead."
        )
        with open(path, "rb") as fh:
            return cls.model_validate_json(fh.read())

    @classmethod
    def from_orm(cls, obj: Any) -> Any:
        """Deprecated; like the official (no ``from_attributes``), it raises."""
        _deprecated(
            "The `from_orm` method is deprecated; set `model_config['from_attributes']=True` "
            "and use `model_validate` instead."
        )
        message = "You must set the config attribute `from_attributes=True` to use from_orm"
        if pydantic_support() is not None:
            from pydantic import PydanticUserError

            raise PydanticUserError(message, code=None)
        raise TypeError(message)

    @classmethod
    def construct(cls, _fields_set: Optional[Set[str]] = None, **values: Any) -> Any:
        """Deprecated: ``model_construct``."""
        _deprecated("The `construct` method is deprecated; use `model_construct` instead.")
        return cls.model_construct(_fields_set=_fields_set, **values)

    @classmethod
    def schema(cls, by_alias: bool = True, ref_template: str = "#/$defs/{model}") -> Dict[str, Any]:
        """Deprecated: ``model_json_schema``."""
        _deprecated("The `schema` method is deprecated; use `model_json_schema` instead.")
        return cls.model_json_schema(by_alias=by_alias, ref_template=ref_template)

    @classmethod
    def schema_json(cls, *, by_alias: bool = True, ref_template: str = "#/$defs/{model}", **dumps_kwargs: Any) -> str:
        """Deprecated: ``json.dumps(model_json_schema())``."""
        _deprecated("The `schema_json` method is deprecated; use `model_json_schema` and json.dumps instead.")
        return json.dumps(cls.model_json_schema(by_alias=by_alias, ref_template=ref_template), **dumps_kwargs)

    @classmethod
    def validate(cls, value: Any) -> Any:
        """Deprecated: ``model_validate``."""
        _deprecated("The `validate` method is deprecated; use `model_validate` instead.")
        return cls.model_validate(value)

    @classmethod
    def update_forward_refs(cls, **_localns: Any) -> None:
        """Deprecated: ``model_rebuild``."""
        _deprecated("The `update_forward_refs` method is deprecated; use `model_rebuild` instead.")

    @property
    def __fields_set__(self) -> Set[str]:
        _deprecated("The `__fields_set__` attribute is deprecated, use `model_fields_set` instead.")
        return self.__pydantic_fields_set__


# chat.py fills this with its "required" sentinel (one object shared by both modules).
_REQUIRED_REF: List[Any] = [object()]

# Inline exact-type checks of the common field kinds (others call _h_fast[kind]).
_INLINE_CHECKS = {
    "str": "type({v}) is str",
    "opt_str": "{v} is None or type({v}) is str",
    "bool": "{v} is True or {v} is False",
    "role": "type({v}) is Role",
    "opt_effort": "{v} is None or type({v}) is ReasoningEffort",
    "author": "type({v}) is Author",
}


def make_init(cls: type) -> Callable[..., None]:
    """A constructor for ``cls`` that stores exact-typed values directly, in field order.

    Generated (as dataclasses does) because it runs for every message built: keyword
    parameters, inline type checks, the given fields as a bit mask.  Any other value sends
    the whole call to ``_slow_init`` (pydantic's validator, or the lax checks).
    """
    from . import chat

    env: Dict[str, Any] = {
        "_slow": _slow_init, "_osa": _osa, "_M": _MISSING, "_bad": cls._h_bad,  # type: ignore[attr-defined]
        "Role": chat.Role, "ReasoningEffort": chat.ReasoningEffort, "Author": chat.Author,
    }
    spec = cls._h_spec  # type: ignore[attr-defined]
    params = "".join(f"{name}=_M, " for name, _k, _d, _f in spec)
    collect = ["def _data(extra, " + params + "):", "    data = {}"]
    collect += [f"    if {name} is not _M: data[{name!r}] = {name}" for name, _k, _d, _f in spec]
    collect += ["    data.update(extra)", "    return data"]
    args = "".join(f"{name}, " for name, _k, _d, _f in spec)
    slow = f"return _slow(self, _data(extra, {args}))"
    star = "*, " if params else ""
    lines = [f"def __init__(self, /, {star}{params}**extra):", "    m = 0"]
    for i, (name, kind, default, factory) in enumerate(spec):
        lines.append(f"    if {name} is _M:")
        if factory is not None:
            env[f"_factory{i}"] = factory
            lines.append(f"        {name} = _factory{i}()")
        elif default is _REQUIRED_REF[0]:
            lines.append(f"        {slow}")
        else:
            env[f"_default{i}"] = default
            lines.append(f"        {name} = _default{i}")
        lines.append("    else:")
        if kind in _INLINE_CHECKS:
            lines.append(f"        if not ({_INLINE_CHECKS[kind].format(v=name)}): {slow}")
        else:
            env[f"_fast{i}"] = cls._h_fast[kind]  # type: ignore[attr-defined]
            lines.append(f"        v = _fast{i}({name})")
            lines.append(f"        if v is _bad: {slow}")
            lines.append(f"        {name} = v")
        lines.append(f"        m |= {1 << i}")
        lines.append(f"    _osa(self, {name!r}, {name})")
    lines.append("    _osa(self, '_h_fields_set', m)")
    exec("\n".join(collect + lines), env)  # noqa: S102 - generated from the class's own field table
    init = env["__init__"]
    # The official's constructor is pydantic's; positional arguments fail with its message.
    init.__qualname__ = "BaseModel.__init__"
    init.__doc__ = f"Build a {cls.__name__} from keyword arguments, validated like the official."
    return init  # type: ignore[no-any-return]


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def _slow_init(self: _Model, data: Dict[str, Any]) -> None:
    # Some value is not of the exact field type: full lax validation.
    support = pydantic_support()
    if support is not None:
        support.adapter(type(self)).validator.validate_python(data, self_instance=self)
        return
    lax = self._h_lax
    owner = type(self).__name__
    for name, kind, default, factory in self._h_spec:
        if name in data:
            _osa(self, name, lax[kind](owner, name, data[name]))
        elif factory is not None:
            _osa(self, name, factory())
        elif default is _REQUIRED_REF[0]:
            from .chat import _missing

            raise _missing(owner, name)
        else:
            _osa(self, name, default)
    names = self._h_names
    object.__setattr__(self, "_h_fields_set", {k for k in data if k in names})


def _fallback_dump(obj: _Model, mode: str, exclude_none: bool, options: Dict[str, Any]) -> Dict[str, Any]:
    exclude_unset = options.pop("exclude_unset", False)
    for key, value in options.items():
        if value not in (None, False):
            _needs_pydantic(f"model_dump({key}=...)")
    from .chat import _model_dump

    out = _model_dump(obj, mode == "json", exclude_none)
    if exclude_unset:
        fs = obj.__pydantic_fields_set__
        out = {k: v for k, v in out.items() if k in fs}
    return out


class _Factory:
    """Default shown in signatures for fields with a default factory (as pydantic shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def field_types(cls: type, namespace: Dict[str, Any]) -> Dict[str, Any]:
    """Field name -> its annotation, evaluated in ``namespace`` (chat.py's globals)."""
    out = {}
    for f in getattr(cls, "__dataclass_fields__", {}).values():
        out[f.name] = eval(f.type, namespace) if isinstance(f.type, str) else f.type
    return out


def signature(cls: type, namespace: Dict[str, Any]) -> inspect.Signature:
    """The constructor signature pydantic reports: keyword-only fields with their defaults."""
    params = []
    hints = field_types(cls, namespace)
    for name, _kind, default, factory in cls._h_spec:  # type: ignore[attr-defined]
        kw: Dict[str, Any] = {}
        if factory is not None:
            kw["default"] = _FACTORY
        elif default is not _REQUIRED_REF[0]:
            kw["default"] = default
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=hints[name], **kw))
    return inspect.Signature(params, return_annotation=None)
