"""The ``HarmonyEncoding`` facade: tokenizer, renderer and parser behind one object.

This module owns the public encoding API (same names, defaults and errors as the official
``openai-harmony`` 0.0.8) and delegates the work: token loops to the active backend's
``CoreBPE``, conversations to ``render.Renderer``, completions to ``parse``.
"""

from __future__ import annotations

import functools
import threading
from enum import Enum
from typing import (
    TYPE_CHECKING,
    AbstractSet,
    Any,
    Callable,
    Collection,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    NoReturn,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
    Union,
)

import regex

from ._backend import CoreBPE
from ._compat.args import frozen, listed, named
from ._tokens import decode_utf8
from .errors import HarmonyError
from .load import harmony_special_tokens, load_mergeable_ranks

if TYPE_CHECKING:  # pragma: no cover
    from typing import Literal

    from .chat import Conversation, Message, RenderConversationConfig, RenderOptions, Role
    from .render import Renderer

__all__ = ["HarmonyEncoding", "HarmonyEncodingName", "load_harmony_encoding", "raise_disallowed_special_token"]


class HarmonyEncodingName(str, Enum):
    """Names accepted by ``load_harmony_encoding``."""

    HARMONY_GPT_OSS = "HarmonyGptOss"

    def __str__(self) -> str:
        return str(self.value)


def _disallowed_special_error(token: str) -> HarmonyError:
    return HarmonyError(
        "Encountered text corresponding to disallowed special token "
        f"{token!r}.\n"
        "If you want this text to be encoded as a special token, "
        f"pass it to `allowed_special`, e.g. `allowed_special={{'{token}', ...}}`.\n"
        "If you want this text to be encoded as normal text, disable the check for this token "
        f"by passing `disallowed_special=(enc.special_tokens_set - {{'{token}'}})`.\n"
        "To disable this check for all special tokens, pass `disallowed_special=()`.\n"
    )


def raise_disallowed_special_token(token: str) -> NoReturn:
    """Raise the HarmonyError that encoding text containing the disallowed ``token`` raises."""
    raise _disallowed_special_error(token)


# A module-level function of the official package (outside its __all__); same home for
# pickles and reprs.
raise_disallowed_special_token.__module__ = "openai_harmony"


def _replace_surrogates(text: str) -> str:
    # Same repair as tiktoken and the official wrapper: paired surrogates become the
    # character they encode, lone ones become U+FFFD.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class HarmonyEncoding:
    """The o200k_harmony tokenizer plus Harmony rendering and parsing."""

    def __init__(self, name: str, tokenizer: CoreBPE) -> None:
        self._name = name
        self._tokenizer = tokenizer
        self._special_regex_cache: Dict[FrozenSet[str], "regex.Pattern[str]"] = {}
        self._all_specials: FrozenSet[str] = frozenset(tokenizer.special_tokens)
        self._renderer_lock = threading.Lock()
        self._renderer_obj: Optional["Renderer"] = None

    def __repr__(self) -> str:
        return f"<HarmonyEncoding {self._name!r}>"

    @property
    def name(self) -> str:
        """The encoding's name, e.g. ``"HarmonyGptOss"``."""
        return self._name

    @functools.cached_property
    def special_tokens_set(self) -> Set[str]:
        """The strings of all special tokens (named and reserved)."""
        return set(self._tokenizer.special_tokens)

    # -- tokenizer -------------------------------------------------------------------

    def _find_disallowed(self, text: str, disallowed: AbstractSet[str]) -> Optional[str]:
        key = disallowed if isinstance(disallowed, frozenset) else frozenset(disallowed)
        pat = self._special_regex_cache.get(key)
        if pat is None:
            for s in key:
                if not isinstance(s, str):
                    # What escaping a non-string special raises in the official wrapper.
                    raise TypeError(
                        f"argument 'disallowed_special': decoding to str: need a bytes-like object, "
                        f"{type(s).__name__} found"
                    )
            # Longest first: an alternation must not stop at a shorter special that is a
            # prefix of a longer one.
            alts = sorted(key, key=len, reverse=True)
            pat = regex.compile("|".join(regex.escape(s) for s in alts))
            if len(self._special_regex_cache) > 64:
                self._special_regex_cache.clear()
            self._special_regex_cache[key] = pat
        if not isinstance(text, str):
            if isinstance(text, (bytes, bytearray, memoryview)):
                raise TypeError("argument 'text': cannot use a string pattern on a bytes-like object")
            raise TypeError(f"argument 'text': expected string or bytes-like object, got '{type(text).__name__}'")
        m = pat.search(text)
        return m.group() if m else None

    def encode(
        self,
        text: str,
        *,
        allowed_special: Union["Literal['all']", AbstractSet[str]] = set(),  # noqa: B006 - official default
        disallowed_special: Union["Literal['all']", Collection[str]] = "all",
    ) -> List[int]:
        """Encode *text*; text matching a disallowed special token raises ``HarmonyError``.

        ``allowed_special`` names special tokens to encode as such ("all" for every one);
        ``disallowed_special`` names those whose text is an error ("all" = every special not
        allowed; ``()`` = none, so their text is encoded as ordinary text).
        """
        specials = self._tokenizer.special_tokens
        if allowed_special == "all":
            # The tokenizer's own dict: the compiled backend recognises it without a copy.
            allowed_special = specials  # type: ignore[assignment]  # a dict of the names
            if disallowed_special == "all":
                disallowed_special = ()
        elif disallowed_special == "all":
            if isinstance(allowed_special, (set, frozenset)) and not allowed_special:
                disallowed_special = self._all_specials  # the default call: no set algebra
            else:
                disallowed_special = self.special_tokens_set - frozen(allowed_special, "allowed_special")
        if disallowed_special:
            # Every special token starts with "<|": text without it cannot contain one.
            if not (disallowed_special is self._all_specials and isinstance(text, str) and "<|" not in text):
                found = self._find_disallowed(text, frozen(disallowed_special, "disallowed_special"))
                if found is not None:
                    raise _disallowed_special_error(found)
        # Materialised here, as the official wrapper does: an iterator already consumed by
        # the disallowed computation above then allows nothing, exactly as there.
        allowed: Any = specials if allowed_special is specials else listed(allowed_special, "allowed_special")  # type: ignore[comparison-overlap]
        _check_text(text)
        if allowed is not specials:
            _check_allowed(allowed)
        try:
            return self._tokenizer.encode(text, allowed)
        except UnicodeEncodeError:
            return self._tokenizer.encode(_replace_surrogates(text), allowed)

    def encode_ordinary(self, text: str) -> List[int]:
        """Encode *text* treating every special-token string as ordinary text."""
        _check_text(text)
        try:
            return self._tokenizer.encode_ordinary(text)
        except UnicodeEncodeError:
            return self._tokenizer.encode_ordinary(_replace_surrogates(text))

    def encode_batch(
        self,
        texts: Sequence[str],
        *,
        num_threads: int = 8,
        allowed_special: Union["Literal['all']", AbstractSet[str]] = set(),  # noqa: B006
        disallowed_special: Union["Literal['all']", Collection[str]] = "all",
    ) -> List[List[int]]:
        """Encode many texts, in parallel threads when the compiled backend is active."""
        _check_num_threads(num_threads)  # both backends (the pure one ignores the value)
        if isinstance(texts, str):
            raise TypeError("argument 'texts': expected a sequence of strings, not a single string")
        texts = listed(texts, "texts")
        for text in texts:
            _check_text(text)
        if allowed_special == "all":
            allowed_special = self.special_tokens_set
        if disallowed_special == "all":
            disallowed_special = self.special_tokens_set - frozen(allowed_special, "allowed_special")
        _check_allowed(allowed_special)
        if disallowed_special:
            disallowed = frozen(disallowed_special, "disallowed_special")
            for text in texts:
                found = self._find_disallowed(text, disallowed)
                if found is not None:
                    raise _disallowed_special_error(found)
        batch = getattr(self._tokenizer, "encode_batch", None)
        if batch is not None:
            fixed = [_replace_surrogates(t) if _has_surrogate(t) else t for t in texts]
            batched: List[List[int]] = batch(fixed, allowed_special, num_threads)
            return batched
        return [self.encode(t, allowed_special=allowed_special, disallowed_special=()) for t in texts]

    def decode_bytes(self, tokens: Sequence[int]) -> bytes:
        """Return the raw bytes of *tokens* (``HarmonyError`` for an unknown id)."""
        return self._tokenizer.decode_bytes(tokens)

    def decode(self, tokens: Sequence[int], errors: str = "replace") -> str:
        """Decode *tokens* to text; invalid UTF-8 is handled per *errors* (lossy by default)."""
        if not isinstance(tokens, list):
            tokens = listed(tokens, "tokens")  # as the official wrapper does: b"ab" decodes ids 97, 98
        data = self._tokenizer.decode_bytes(tokens)
        try:
            return data.decode("utf-8", errors=errors)
        except LookupError as exc:  # an unknown error handler name
            raise named(exc, "errors") from None

    def decode_utf8(self, tokens: Sequence[int]) -> str:
        """Decode *tokens* to text, raising ``HarmonyError`` on unknown ids or invalid UTF-8."""
        if not isinstance(tokens, list):
            tokens = listed(tokens, "tokens")
        return decode_utf8(self._tokenizer, tokens)

    def is_special_token(self, token: int) -> bool:
        """Return whether *token* is a special token id."""
        return self._tokenizer.is_special_token(token)

    # -- rendering -------------------------------------------------------------------

    @property
    def _renderer(self) -> "Renderer":
        # Built on first use so that tokenizer-only users never import the renderer.
        renderer = self._renderer_obj
        if renderer is None:
            with self._renderer_lock:
                if self._renderer_obj is None:
                    from .render import Renderer

                    self._renderer_obj = Renderer(self._tokenizer)
                renderer = self._renderer_obj
        return renderer

    def render_conversation_for_completion(
        self,
        conversation: "Conversation",
        next_turn_role: "Role",
        config: Optional["RenderConversationConfig"] = None,
    ) -> List[int]:
        """Render *conversation* followed by the header start of *next_turn_role*'s turn."""
        return self._renderer.render_conversation_for_completion(conversation, next_turn_role, config)

    def render_conversation(
        self,
        conversation: "Conversation",
        config: Optional["RenderConversationConfig"] = None,
    ) -> List[int]:
        """Render *conversation* without appending a new turn."""
        return self._renderer.render_conversation(conversation, config)

    def render_conversation_for_training(
        self,
        conversation: "Conversation",
        config: Optional["RenderConversationConfig"] = None,
    ) -> List[int]:
        """Render *conversation* for training (a final assistant message ends in ``<|return|>``)."""
        return self._renderer.render_conversation_for_training(conversation, config)

    def render(self, message: "Message", render_options: Optional["RenderOptions"] = None) -> List[int]:
        """Render a single message into tokens."""
        return self._renderer.render(message, render_options)

    def stop_tokens(self) -> List[int]:
        """Tokens that end any message: ``<|return|>``, ``<|call|>`` and ``<|end|>``."""
        return self._renderer.stop_tokens()

    def stop_tokens_for_assistant_actions(self) -> List[int]:
        """Tokens that end an assistant action: ``<|return|>`` and ``<|call|>``."""
        return self._renderer.stop_tokens_for_assistant_actions()

    # -- parsing ---------------------------------------------------------------------

    def parse_messages_from_completion_tokens(
        self,
        tokens: Sequence[int],
        role: Optional["Role"] = None,
        *,
        strict: bool = True,
        recover: bool = False,
    ) -> List["Message"]:
        """Parse completion *tokens* into messages; *role* is the role already rendered, if any.

        ``recover=True``: never raise on malformed model output, return a
        ``RecoveredMessages`` (messages plus ``errors`` and ``spans``); see ``StreamableParser``.
        """
        from .parse import parse_messages_from_completion_tokens

        return parse_messages_from_completion_tokens(self._tokenizer, tokens, role, strict=strict, recover=recover)

    # -- training and batches (additions over the official API) -------------------------

    def render_conversation_for_training_with_mask(
        self,
        conversation: "Conversation",
        config: Optional["RenderConversationConfig"] = None,
        *,
        train_on: str = "all",
    ) -> Tuple[List[int], List[int]]:
        """Return ``(tokens, mask)``: the training tokens and a same-length 0/1 loss mask.

        ``tokens`` equals ``render_conversation_for_training(conversation, config)``. A mask
        entry is 1 for the tokens the model produced: in each assistant message, everything
        after ``<|start|>assistant`` up to and including its end token. With
        ``train_on="last"`` only the final assistant turn (the messages after the last
        non-assistant message) is 1.
        """
        return self._renderer.render_conversation_for_training_with_mask(conversation, config, train_on)

    def apply_chat_template(
        self,
        messages: Sequence[Mapping[str, Any]],
        tools: Optional[Sequence[Mapping[str, Any]]] = None,
        *,
        add_generation_prompt: bool = False,
        tokenize: bool = True,
        return_dict: bool = False,
        return_assistant_tokens_mask: bool = False,
        mask_style: str = "trl",
        template: str = "gpt-oss",
        reasoning_effort: Optional[str] = None,
        model_identity: Optional[str] = None,
        builtin_tools: Optional[Sequence[str]] = None,
        conversation_start_date: Optional[str] = None,
    ) -> Any:
        """Chat-layout messages to tokens, as transformers' ``apply_chat_template`` with the gpt-oss template.

        Same text and tokens as the published template (see ``chat_template``), without jinja.
        ``tokenize=False`` gives the text; ``return_dict=True`` gives ``{"input_ids",
        "attention_mask"}`` plus ``"assistant_masks"`` when ``return_assistant_tokens_mask``:
        ``mask_style="trl"`` marks whole assistant turns as TRL's training template does,
        ``"generated"`` leaves out each ``<|start|>assistant`` (what the model never emits).
        ``template="harmony"`` renders through ``Conversation.from_chat_messages`` instead.
        ``conversation_start_date`` defaults to today's date, as the template's ``strftime_now``.
        A list of message lists is rendered as a batch (a list of results).
        """
        from .chat_template import apply_chat_template

        return apply_chat_template(
            self,
            messages,
            tools,
            add_generation_prompt=add_generation_prompt,
            tokenize=tokenize,
            return_dict=return_dict,
            return_assistant_tokens_mask=return_assistant_tokens_mask,
            mask_style=mask_style,
            template=template,
            reasoning_effort=reasoning_effort,
            model_identity=model_identity,
            builtin_tools=builtin_tools,
            conversation_start_date=conversation_start_date,
        )

    def render_conversations_for_training(
        self,
        conversations: Iterable["Conversation"],
        config: Optional["RenderConversationConfig"] = None,
        *,
        num_threads: int = 8,
    ) -> List[List[int]]:
        """``render_conversation_for_training`` of each conversation, texts encoded in parallel."""
        r = self._renderer
        return self._render_batch(conversations, num_threads, lambda c: r.render_conversation_for_training(c, config))

    def render_conversations_for_training_with_mask(
        self,
        conversations: Iterable["Conversation"],
        config: Optional["RenderConversationConfig"] = None,
        *,
        train_on: str = "all",
        num_threads: int = 8,
    ) -> List[Tuple[List[int], List[int]]]:
        """``render_conversation_for_training_with_mask`` of each conversation, in one batch."""
        from .render import check_train_on

        check_train_on(train_on)  # before the batch, so an empty batch is checked too
        r = self._renderer
        return self._render_batch(
            conversations, num_threads, lambda c: r.render_conversation_for_training_with_mask(c, config, train_on)
        )

    def render_conversations_for_completion(
        self,
        conversations: Iterable["Conversation"],
        next_turn_role: "Role",
        config: Optional["RenderConversationConfig"] = None,
        *,
        num_threads: int = 8,
    ) -> List[List[int]]:
        """``render_conversation_for_completion`` of each conversation, texts encoded in parallel."""
        r = self._renderer
        return self._render_batch(
            conversations, num_threads, lambda c: r.render_conversation_for_completion(c, next_turn_role, config)
        )

    def decode_batch(
        self, batch: Iterable[Sequence[int]], *, errors: str = "replace", num_threads: int = 8
    ) -> List[str]:
        """``decode`` of each token list (*num_threads* is accepted for symmetry with ``encode_batch``)."""
        _check_num_threads(num_threads)
        if isinstance(batch, (str, bytes)):
            raise TypeError(f"argument 'batch': expected a sequence of token lists, got {type(batch).__name__}")
        return [self.decode(tokens, errors) for tokens in listed(batch, "batch")]

    def _render_batch(self, conversations: Iterable[Any], num_threads: int, render_one: Callable[[Any], _T]) -> List[_T]:
        _check_num_threads(num_threads)
        if isinstance(conversations, (str, bytes)):
            raise TypeError(
                f"argument 'conversations': expected an iterable of Conversation objects, got {type(conversations).__name__}"
            )
        convs = listed(conversations, "conversations")
        batch = getattr(self._tokenizer, "encode_batch", None)
        if batch is None or num_threads == 1:
            return [render_one(c) for c in convs]
        renderer = self._renderer
        out: List[_T] = []
        # Chunks bound the memory of the pre-encoded texts.
        for lo in range(0, len(convs), _RENDER_CHUNK):
            chunk = convs[lo : lo + _RENDER_CHUNK]
            with renderer.primed(chunk, batch, num_threads):
                out.extend(render_one(c) for c in chunk)
        return out

    def __reduce__(self) -> Tuple[Any, Tuple[str]]:
        # Pickled by name: unpickling returns the process's shared encoding, so workers
        # (multiprocessing, DataLoader, dataset engines) never ship the vocabulary.
        return (load_harmony_encoding, (self._name,))


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"argument 'text': '{type(text).__name__}' object cannot be converted to 'PyString'")


def _check_allowed(allowed_special: AbstractSet[str]) -> None:
    for s in allowed_special:
        if not isinstance(s, str):
            raise ValueError(
                f"invalid allowed_special: TypeError: '{type(s).__name__}' object cannot be converted to 'PyString'"
            )


def _check_num_threads(num_threads: object) -> None:
    if type(num_threads) is not int:
        raise TypeError(f"argument 'num_threads': expected int, got {type(num_threads).__name__}")
    if num_threads < 1:
        raise ValueError(f"argument 'num_threads': must be at least 1, got {num_threads}")


_RENDER_CHUNK = 1024
_T = TypeVar("_T")


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_encodings: Dict[str, HarmonyEncoding] = {}
_load_lock = threading.Lock()


def load_harmony_encoding(name: Union[str, HarmonyEncodingName]) -> HarmonyEncoding:
    """Load an encoding by name ("HarmonyGptOss"); the vocabulary is read once per process."""
    if not isinstance(name, str):
        name = str(name)
    name = str.__str__(name)  # an enum member behaves as its value, as in the official bindings
    if name != HarmonyEncodingName.HARMONY_GPT_OSS.value:
        raise ValueError(f"Invalid HarmonyEncodingName: {name}")
    tokens = load_mergeable_ranks()
    with _load_lock:
        key = f"{name}:{id(tokens)}"
        enc = _encodings.get(key)
        if enc is None:
            enc = HarmonyEncoding(name, CoreBPE(tokens, harmony_special_tokens()))
            _encodings[key] = enc
    return enc

