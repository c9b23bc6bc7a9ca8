"""Safe reading of YAML and JSON files into plain values that remember their positions.

``read_document`` is the only way egovrules reads a pack or a subject file. It never executes
what it reads and never writes to it:

* only the YAML core tags are accepted (a ``!!python/object`` tag is an error, not an object);
* duplicate keys and merge keys (``<<``) are errors;
* alias expansion is bounded (``MAX_NODES`` values after expansion), so a "billion laughs"
  file is refused at once;
* file size (``MAX_BYTES``) and nesting depth (``MAX_DEPTH``) are bounded;
* the bytes must be UTF-8.

Every value is recorded with the ``Span`` of its node (and every mapping key with the span of
the key) under its path, a tuple of keys and indexes, so that later stages can point at the
line of any value they reject.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from egovrules.source.errors import Diagnostic
from egovrules.source.json_faults import DuplicateKey, json_faults
from egovrules.source.json_spans import SURROGATE, JsonDocument
from egovrules.source.lines import line_starts, position
from egovrules.source.located import Document, PathKey
from egovrules.source.span import Span

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_LINES_BYTES",
    "MAX_NODES",
    "Document",
    "DocumentError",
    "beyond_bounds",
    "data_diagnostics",
    "data_path",
    "escape_surrogates",
    "lone_surrogate",
    "read_bounded",
    "read_document",
    "strings_in",
    "surrogate_message",
]

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"
MAX_LINES_BYTES = 64 * MAX_BYTES  # a JSON Lines file: each line is a document of its own

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


class DocumentError(Exception):
    """Raised by ``read_document`` with the diagnostics of an unreadable file."""

    def __init__(self, diagnostics: list[Diagnostic], text: str | None) -> None:
        self.diagnostics = diagnostics
        self.text = text
        super().__init__("; ".join(d.message for d in diagnostics))


def read_document(path: str | Path, *, display_name: str | None = None) -> Document:
    """Read a YAML or JSON file into a ``Document``; raise ``DocumentError`` if it is unusable."""
    p = Path(path)
    name = display_name or str(path)
    raw = read_bounded(p, name)
    return parse_document(raw, name)


def read_bounded(source: Path | BinaryIO, name: str, limit: int = MAX_BYTES) -> bytes:
    """At most ``limit`` bytes of a file or stream; ``DocumentError`` (E001) past the limit,
    (E000) when it cannot be read. One byte past the limit is all that is ever read: a device
    (``/dev/zero``) or a FIFO has no size ``stat()`` could tell, and what is read is what the
    limit bounds."""
    try:
        if isinstance(source, Path):
            with source.open("rb") as stream:
                raw = stream.read(limit + 1)
        else:
            raw = source.read(limit + 1)
    except OSError as exc:
        raise DocumentError(
            [Diagnostic("E000", f"cannot read file: {exc.strerror or exc}", Span(name, 1, 1))], None
        ) from None
    if len(raw) > limit:
        message = f"file is more than {limit} bytes (the limit)"
        raise DocumentError([Diagnostic("E001", message, Span(name, 1, 1))], None)
    return raw


def parse_document(
    raw: bytes, name: str, line_offset: int = 0, *, json_text: bool = False
) -> Document:
    """Parse bytes already read (see ``read_document``); ``line_offset`` shifts the reported
    lines, for a piece of a larger file (one line of a JSON Lines file). A text YAML refuses
    is read as JSON when ``name`` ends in ``.json`` or ``json_text`` says it is JSON (the
    HTTP service's body): a tab between tokens, which JSON allows and YAML does not."""
    if len(raw) > MAX_BYTES:
        raise DocumentError(
            [
                Diagnostic(
                    "E001", f"input is {len(raw)} bytes; the limit is {MAX_BYTES}", Span(name, 1, 1)
                )
            ],
            None,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Placed in characters, on the lines YAML counts, like every other position.
        before = raw[: exc.start].decode("utf-8")
        line, col = position(line_starts(before), len(before))
        raise DocumentError(
            [
                Diagnostic(
                    "E002",
                    f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                    Span(name, line + line_offset, col),
                    "save the file as UTF-8",
                )
            ],
            None,
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Builder(name, text, line_offset, json_text=json_text).build()


class _Builder:
    def __init__(
        self, name: str, text: str, line_offset: int = 0, *, json_text: bool = False
    ) -> None:
        self.line_offset = line_offset
        self.name = name
        # A .json file, or a JSON text (the service's body: one that opens as JSON does), is
        # read as JSON when YAML refuses it; any other text keeps YAML's own error.
        self.json_text = name.endswith(".json") or (
            json_text and _OPENS_AS_JSON.match(text) is not None
        )
        self.text = text
        self.nodes = 0
        self.value_marks: dict[PathKey, Span] = {}
        self.key_marks: dict[PathKey, Span] = {}
        self.errors: list[Diagnostic] = []

    def build(self, *, fast: bool = True) -> Document:
        """The document; with ``fast``, composed by libyaml first and, on any error, read
        again by the pure-Python path, whose errors are reported (see ``_build``)."""
        if not fast:
            return self._build(fast=False)
        try:
            return self._build(fast=True)
        except DocumentError:
            again = _Builder(self.name, self.text, self.line_offset, json_text=self.json_text)
            return again._build(fast=False)

    def _build(self, *, fast: bool) -> Document:
        """The document, composed from libyaml's events when PyYAML has it (``fast``,
        ``_compose_fast``) and by PyYAML's pure-Python composer otherwise, or when the fast
        path finds anything amiss. Errors are always those of the pure-Python path, whose
        messages and positions the diagnostics are written for. A document PyYAML reads, the
        fast path reads alike, marks included (``tests/test_document.py`` compares them on
        every bundled file and on generated documents); libyaml is a little more lenient on
        odd flow-style scalars (``[n?ull]``), which it reads as YAML 1.2 does. Packs load
        about three times faster."""
        try:
            # The reader rejects control characters as soon as it is built.
            self.loader = yaml.SafeLoader(self.text)
        except yaml.reader.ReaderError as exc:
            raise DocumentError([self._reader_error(exc)], self.text) from None
        if fast:
            try:
                return self._values_from_events()
            except (yaml.YAMLError, _Fault):
                # Composed below, by the path that reports what is amiss, from no marks: the
                # ones this attempt recorded would be kept over that path's own (setdefault).
                self.value_marks.clear()
                self.key_marks.clear()
        try:
            try:
                root = _compose_fast(self.text) if fast else _FAILED
                if root is _FAILED:
                    # PyYAML's composer recurses once per level: a document nesting past the
                    # guard is refused from its event stream before the composer sees it.
                    deep = _too_deep(self.text)
                    if deep is not None:
                        self._fail_at("E005", _TOO_DEEP, deep)
                    root = self.loader.get_single_node()
            except RecursionError:  # only without libyaml: its parser bounds the scan above
                raise self._at_top("E005") from None
            except yaml.MarkedYAMLError as exc:
                if self.json_text:
                    return self._from_json()
                mark = exc.problem_mark or exc.context_mark
                span = self._span(mark) if mark else Span(self.name, 1, 1)
                msg = f"YAML syntax error: {exc.problem or exc.context}"
                raise DocumentError([Diagnostic("E003", msg, span)], self.text) from None
            except yaml.reader.ReaderError as exc:
                raise DocumentError([self._reader_error(exc)], self.text) from None
            except yaml.YAMLError as exc:
                raise DocumentError(
                    [Diagnostic("E003", f"YAML error: {exc}", Span(self.name, 1, 1))], self.text
                ) from None
            if root is not None:
                self._check_size(root)
            data = None if root is None else self._value(root, (), 0)
        finally:
            self.loader.dispose()
        if self.errors:
            raise DocumentError(self.errors, self.text)
        return Document(self.name, self.text, data, self.value_marks, self.key_marks)

    def _values_from_events(self) -> Document:
        """The fast path for the common document: values built straight from libyaml's
        events in one pass, without a node graph (a 12 MB subject: one pass instead of three,
        a quarter of the time and memory). It takes no alias, anchor, non-core tag, merge or
        duplicate key, and nothing past a limit: any of those raises ``_Fault``, and the
        document is composed again by the path that handles or reports it."""
        loader_class = getattr(yaml, "CSafeLoader", None)
        if loader_class is None or "\t" in self.text:
            raise _Fault
        loader = loader_class(self.text)
        try:
            return self._values_from(loader)
        finally:
            loader.dispose()

    def _values_from(self, loader: Any) -> Document:
        get_event, resolve = loader.get_event, loader.resolve
        name, offset = self.name, self.line_offset
        value_marks, key_marks = self.value_marks, self.key_marks
        constructors = loader.yaml_constructors
        str_tag = "tag:yaml.org,2002:str"
        # Each open collection: [container, its path, whether a mapping, the key awaiting its
        # value (or _NO_KEY)].
        stack: list[list[Any]] = []
        data: Any = None
        nodes = 0
        get_event()  # StreamStartEvent
        if loader.check_event(yaml.StreamEndEvent):
            return Document(name, self.text, None, value_marks, key_marks)
        get_event()  # DocumentStartEvent
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.CollectionEndEvent or kind in _ENDS:
                stack.pop()
                continue
            if kind is yaml.DocumentEndEvent:
                break
            if kind is yaml.AliasEvent or event.anchor is not None:
                raise _Fault
            nodes += 1
            if nodes > MAX_NODES or len(stack) > MAX_DEPTH:
                raise _Fault
            is_scalar = kind is yaml.ScalarEvent
            tag = event.tag
            if tag == "!":  # libyaml before 0.2.6 resolves "!" otherwise than PyYAML does
                raise _Fault
            if tag is None:
                node_kind = _NODE_KINDS[kind]
                tag = resolve(node_kind, event.value if is_scalar else None, event.implicit)
            if tag not in _CORE_TAGS:
                raise _Fault
            if is_scalar:
                if tag == str_tag:
                    value = event.value
                else:
                    node = yaml.ScalarNode(
                        tag, event.value, event.start_mark, event.end_mark, style=event.style
                    )
                    try:
                        value = constructors[tag](loader, node)
                    except Exception:
                        raise _Fault from None
                if isinstance(value, str) and SURROGATE.search(value):
                    value = _join_surrogates(value)
                    if value is None:
                        raise _Fault
            else:
                value = {} if kind is yaml.MappingStartEvent else []
            mark = event.start_mark
            if stack:
                top = stack[-1]
                container = top[0]
                if top[2]:
                    key = top[3]
                    if key is _NO_KEY:  # this scalar is a key
                        if not is_scalar or value in container or not isinstance(value, Hashable):
                            raise _Fault
                        top[3] = value
                        key_marks[(*top[1], value)] = Span(
                            name, mark.line + 1 + offset, mark.column + 1
                        )
                        continue
                    path = (*top[1], key)
                    container[key] = value
                    top[3] = _NO_KEY
                else:
                    path = (*top[1], len(container))
                    container.append(value)
            else:
                path = ()
                data = value
            if path not in value_marks:
                value_marks[path] = Span(name, mark.line + 1 + offset, mark.column + 1)
            if not is_scalar:
                stack.append([value, path, kind is yaml.MappingStartEvent, _NO_KEY])
        if not loader.check_event(yaml.StreamEndEvent):
            raise _Fault  # a second document
        return Document(name, self.text, data, value_marks, key_marks)

    def _from_json(self) -> Document:
        """The text read as JSON, its values as YAML reads them where the two differ (a
        number YAML reads as a string, ``1e5``, and ``NaN``: the strings), a duplicate key
        refused (E010) as YAML refuses it; its values and keys located (``JsonDocument``)."""
        try:
            data = json.loads(
                self.text,
                object_pairs_hook=_json_mapping,
                parse_float=_json_float,
                parse_constant=str,
            )
        except _DuplicateKey:
            # The parser stops at the first duplicate: the rest of the text is read (and any
            # fault in it refused, as YAML refuses it before any duplicate) before the faults
            # are located by stepping over it.
            self._json_syntax(object_pairs_hook=list, parse_constant=str)
            raise DocumentError(self._json_faults(), self.text) from None
        except RecursionError:
            raise self._at_top("E005") from None
        except json.JSONDecodeError as exc:
            raise self._json_error(exc) from None
        beyond = beyond_bounds(data)
        if beyond is not None:
            # The YAML reader's bounds hold for the JSON it refuses too, at the top (the JSON
            # parser keeps no positions).
            raise self._at_top(beyond)
        if lone_surrogate(data) is not None:
            raise DocumentError(self._json_faults(), self.text)
        # Each value and key located when asked, as YAML's marks would have placed it (the
        # text is a .json file's or the service's body, never a line of a JSON Lines file:
        # there is no line offset to add).
        return JsonDocument(self.name, self.text, data)

    def _json_syntax(self, **hooks: Any) -> None:
        """Refuse the text as ``_from_json`` does when it is not JSON (E003) or nests too deep
        for the parser (E005)."""
        try:
            json.loads(self.text, **hooks)
        except json.JSONDecodeError as exc:
            raise self._json_error(exc) from None
        except RecursionError:
            raise self._at_top("E005") from None

    def _json_error(self, exc: json.JSONDecodeError) -> DocumentError:
        # Placed on the lines YAML counts (the parser counts "\n" alone).
        line, col = position(line_starts(self.text), exc.pos)
        span = Span(self.name, line + self.line_offset, col)
        return DocumentError([Diagnostic("E003", f"JSON syntax error: {exc.msg}", span)], self.text)

    def _json_faults(self) -> list[Diagnostic]:
        """The duplicate keys and the lone surrogate of a JSON text, each where and as the YAML
        reader reports it in the same text indented with spaces."""
        starts = line_starts(self.text)

        def span(offset: int) -> Span:
            line, col = position(starts, offset)
            return Span(self.name, line + self.line_offset, col)

        out: list[Diagnostic] = []
        for fault in json_faults(self.text):
            if isinstance(fault, DuplicateKey):
                message = f"duplicate key {fault.key!r} (first defined at line "
                message += f"{span(fault.first_at).line})"
                out.append(Diagnostic("E010", message, span(fault.at), path=fault.path, key=True))
            else:
                message = surrogate_message(fault.char)
                hint = _SURROGATE_HINT
                out.append(
                    Diagnostic("E013", message, span(fault.at), hint, fault.path, key=fault.key)
                )
        return out

    def _reader_error(self, exc: yaml.reader.ReaderError) -> Diagnostic:
        line, col = position(line_starts(self.text), exc.position)
        return Diagnostic(
            "E012",
            f"character U+{exc.character:04X} is not allowed in YAML"
            if isinstance(exc.character, int)
            else f"unreadable input: {exc.reason}",
            Span(self.name, line + self.line_offset, col),
            "remove control characters from the file",
        )

    def _span(self, mark: Any) -> Span:
        return Span(self.name, mark.line + 1 + self.line_offset, mark.column + 1)

    def _span0(self) -> Span:
        return Span(self.name, 1 + self.line_offset, 1)

    def _at_top(self, code: str) -> DocumentError:
        return bounds_error(code, self._span0(), self.text)

    def _fail(
        self,
        code: str,
        message: str,
        node: yaml.Node,
        hint: str | None = None,
        path: PathKey | None = None,
        *,
        key: bool = False,
    ) -> None:
        self._fail_at(code, message, node.start_mark, hint, path, key=key)

    def _fail_at(
        self,
        code: str,
        message: str,
        mark: Any,
        hint: str | None = None,
        path: PathKey | None = None,
        *,
        key: bool = False,
    ) -> None:
        """Refuse the document at ``mark``; ``path``: the value's path in the data (a JSON
        path over HTTP), or the key's (``key``)."""
        diagnostic = Diagnostic(code, message, self._span(mark), hint, path, key=key)
        raise DocumentError([*self.errors, diagnostic], self.text)

    def _check_size(self, root: yaml.Node) -> None:
        """Refuse a document whose aliases expand past ``MAX_NODES`` values, or loop."""
        sizes: dict[int, int] = {}
        open_nodes: set[int] = set()
        # Post-order walk with an explicit stack: node graphs may be deep or shared.
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if done:
                children = _children(node)
                sizes[key] = 1 + sum(sizes[id(c)] for c in children)
                open_nodes.discard(key)
                if sizes[key] > MAX_NODES:
                    self._fail(
                        "E004",
                        f"more than {MAX_NODES} values after alias expansion",
                        node,
                        "aliases expand exponentially here (a 'billion laughs' file?)",
                    )
                continue
            if key in sizes:
                continue
            if key in open_nodes:
                self._fail("E011", "an alias refers to a value that contains it", node)
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in sizes)

    def _value(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        # A mapping key's path ends in _KEY: an error about it is placed, in the data, at the
        # mapping that holds it (its text is not known until it is read).
        where = path[:-1] if path and path[-1] is _KEY else path
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self._fail(
                "E004",
                f"more than {MAX_NODES} values after alias expansion",
                node,
                "aliases expand exponentially here (a 'billion laughs' file?)",
                where,
            )
        if depth > MAX_DEPTH:
            self._fail("E005", _TOO_DEEP, node, path=where)
        if node.tag not in _CORE_TAGS:
            self._fail(
                "E006",
                f"tag {node.tag!r} is not allowed",
                node,
                "only plain YAML values (strings, numbers, booleans, dates, lists, "
                "mappings) are read",
                where,
            )
        self.value_marks.setdefault(path, self._span(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            try:
                value = self.loader.yaml_constructors[node.tag](self.loader, node)
            except (ValueError, yaml.constructor.ConstructorError) as exc:
                message = f"invalid {node.tag.rsplit(':', 1)[-1]} value: {exc}"
                self._fail("E007", message, node, path=where)
            except Exception:
                self._fail("E007", f"invalid {node.tag.rsplit(':', 1)[-1]} value", node, path=where)
            if isinstance(value, str) and SURROGATE.search(value):
                joined = _join_surrogates(value)
                if joined is None:
                    lone = lone_half(value)
                    is_key = where != path
                    self._fail(
                        "E013",
                        surrogate_message(lone),
                        node,
                        _SURROGATE_HINT,
                        (*where, _pairs_joined(value)) if is_key else path,
                        key=is_key,
                    )
                value = joined
            return value
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                message = "merge keys ('<<') are not supported"
                self._fail("E008", message, key_node, "write the keys out", (*path, "<<"), key=True)
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail("E009", "a mapping key must be a plain value", key_node, path=path)
            key = self._value(key_node, (*path, _KEY), depth + 1)
            if key in out:
                first = self.key_marks[(*path, key)]
                self.errors.append(
                    Diagnostic(
                        "E010",
                        f"duplicate key {key!r} (first defined at line {first.line})",
                        self._span(key_node.start_mark),
                        path=(*path, key),
                        key=True,
                    )
                )
                continue
            self.key_marks[(*path, key)] = self._span(key_node.start_mark)
            out[key] = self._value(value_node, (*path, key), depth + 1)
        self.value_marks.pop((*path, _KEY), None)
        return out


_FAILED: Any = object()
# The last step of a mapping key's path while it is read: no key of the data can be it.
_KEY: Any = object()

# A lone UTF-16 surrogate ("\ud800", valid as a JSON or YAML escape) is not a character: no
# output could be written with it, so it is refused where it is read.
_SURROGATE_HINT = "escape a character outside the BMP as one \\U escape, not two \\u halves"


def _join_surrogates(value: str) -> str | None:
    """``value`` with each UTF-16 surrogate pair joined into its character (JSON writers
    escape 𠮷 as "\\ud842\\udfb7", and the YAML reader decodes the halves one by one, as
    ``json`` does not), or None when a surrogate stands alone."""
    try:
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return None


def _pairs_joined(value: str) -> str:
    """``value`` with each surrogate pair joined into its character, lone halves kept (as
    ``json.loads`` reads the string)."""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def lone_half(value: str) -> str:
    """The first surrogate of ``value`` that is not half of a pair (``value`` has one)."""
    found = SURROGATE.search(_pairs_joined(value))
    assert found is not None
    return found.group()


def surrogate_message(char: str) -> str:
    """What E013 says of a lone surrogate."""
    return f"a lone surrogate (U+{ord(char):04X}) is not a character"


def escape_surrogates(text: str) -> str:
    """``text`` with each UTF-16 surrogate written as its escape (``\\ud800``), so that a
    message or a path naming a string that holds one can be written out."""
    return SURROGATE.sub(lambda half: f"\\u{ord(half.group()):04x}", text)


def strings_in(data: Any) -> Iterator[tuple[PathKey, str, bool]]:
    """Every string of plain data, with its path and whether it is a mapping key (whose path
    is the key's own), without recursion."""
    stack: list[tuple[PathKey, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value, False
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str):
                    yield (*path, k), k, True
                stack.append(((*path, k), v))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))


def lone_surrogate(data: Any) -> tuple[PathKey, str, bool] | None:
    """The first lone surrogate in JSON data, or None: the path of its string, the character,
    and whether the string is a mapping key (the path the key's own)."""
    for path, text, is_key in strings_in(data):
        found = SURROGATE.search(text)
        if found:
            return path, found.group(), is_key
    return None


_OPENS_AS_JSON = re.compile(r"[ \t\r\n]*[\[{]")
# The JSON numbers YAML 1.1 reads as floats: a point, and a signed exponent if any (``1e5`` and
# ``1.5E3`` are strings to it).
YAML_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")


class _DuplicateKey(Exception):
    """A JSON object names a key twice (its first argument)."""


def _json_mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _json_float(literal: str) -> float | str:
    return float(literal) if YAML_FLOAT.fullmatch(literal) else literal


def bounds_error(code: str, top: Span, text: str) -> DocumentError:
    """A bound of the reader (E004, E005) broken where the parser keeps no position: the
    error is placed at the top of the text (``top``)."""
    message = _TOO_DEEP if code == "E005" else f"more than {MAX_NODES} values"
    return DocumentError([Diagnostic(code, message, top)], text)


def beyond_bounds(data: Any) -> str | None:
    """The code of the bound JSON data breaks, or None: a value nesting deeper than
    ``MAX_DEPTH`` (E005), more than ``MAX_NODES`` values and keys (E004), the bounds the YAML
    reader holds a document to. Only containers are visited."""
    if type(data) is not dict and type(data) is not list:
        return None
    nodes = 1
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if not value:
            continue
        if depth >= MAX_DEPTH:
            return "E005"
        children = value.values() if type(value) is dict else value
        nodes += len(value) * (2 if type(value) is dict else 1)
        stack.extend((c, depth + 1) for c in children if type(c) is dict or type(c) is list)
    return "E004" if nodes > MAX_NODES else None


# PyYAML's composer recurses once per level of nesting (RecursionError far down), libyaml's
# would overflow the C stack; their parsers do not recurse. The fast path composes from
# libyaml's events without recursion and hands a document nesting past this depth to the
# pure-Python path, which refuses it from its event stream (``_too_deep``).
_RECURSION_GUARD = 4 * MAX_DEPTH


def _too_deep(text: str) -> Any:
    """The mark of the first value deeper than ``MAX_DEPTH`` when the document nests past
    ``_RECURSION_GUARD`` levels, else None (also when the parser finds a fault: the composer
    reports it, before reaching any deeper level).

    libyaml 0.2.6 (PyYAML 6.0.4) stops at 1,000 levels itself. In flow style its scanner holds
    every token back while a simple key may still follow (up to 1,024 characters), so that
    error comes before any deep event: the scan is then run again on the text before the
    level libyaml refused, which ends, and yields its events, within the limit. Both scans
    are linear in the text."""
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found, fault = _scan_depth(loader_class, text)
    mark = fault.problem_mark if fault is not None else None
    if found is None and fault is not None and fault.problem == _LIBYAML_TOO_DEEP and mark:
        found, _ = _scan_depth(loader_class, text[: mark.index])
    return found


_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _scan_depth(loader_class: Any, text: str) -> tuple[Any, yaml.MarkedYAMLError | None]:
    """``_too_deep``'s scan of one text: the mark found (or None), and the parser's fault
    that ended the scan early (or None)."""
    loader = loader_class(text)
    level = 0
    first = None
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.NodeEvent) and level > MAX_DEPTH and first is None:
                first = event.start_mark
            if isinstance(event, yaml.CollectionStartEvent):
                level += 1
                if level > _RECURSION_GUARD:
                    return first, None
            elif isinstance(event, yaml.CollectionEndEvent):
                level -= 1
    except yaml.MarkedYAMLError as exc:
        return None, exc
    except yaml.YAMLError:
        return None, None
    finally:
        loader.dispose()
    return None, None


_NO_KEY: Any = object()
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_NODE_KINDS: dict[type, type] = {
    yaml.ScalarEvent: yaml.ScalarNode,
    yaml.SequenceStartEvent: yaml.SequenceNode,
    yaml.MappingStartEvent: yaml.MappingNode,
}


class _Fault(Exception):
    """Anything the fast path leaves to the pure-Python one, which reports it."""


def _compose_fast(text: str) -> Any:
    """The node graph of ``text``, composed from libyaml's events, or ``_FAILED`` when PyYAML
    was built without libyaml, the text has a tab, or anything is amiss: a parser fault, an
    undefined alias or repeated anchor, a second document, nesting past the guard."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None or "\t" in text:
        # libyaml reads a tab inside a plain scalar as part of it where PyYAML refuses it;
        # tabs are rare in packs, so a text with one is composed by PyYAML alone.
        return _FAILED
    loader = loader_class(text)
    try:
        return _compose_events(loader)
    except (yaml.YAMLError, _Fault):
        return _FAILED
    finally:
        loader.dispose()


def _compose_events(loader: Any) -> yaml.Node | None:
    """PyYAML's composition (``yaml.composer.Composer``: tags resolved by the loader, anchors,
    aliases sharing their node) done with an explicit stack instead of recursion."""
    loader.get_event()  # StreamStartEvent
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # DocumentStartEvent
    anchors: dict[str, yaml.Node] = {}
    open_nodes: list[yaml.CollectionNode] = []
    keys: list[yaml.Node | None] = []  # for each open node, a mapping's key awaiting its value
    root: yaml.Node | None = None
    while not isinstance(event := loader.get_event(), yaml.DocumentEndEvent):
        if isinstance(event, yaml.CollectionEndEvent):
            open_nodes.pop().end_mark = event.end_mark
            keys.pop()
            continue
        node: yaml.Node
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _Fault
            node = anchors[event.anchor]
        else:
            kind = {
                yaml.ScalarEvent: yaml.ScalarNode,
                yaml.SequenceStartEvent: yaml.SequenceNode,
                yaml.MappingStartEvent: yaml.MappingNode,
            }[type(event)]
            tag = event.tag
            if tag == "!":  # libyaml before 0.2.6 resolves "!" otherwise than PyYAML does
                raise _Fault
            if tag is None:
                value = event.value if kind is yaml.ScalarNode else None
                tag = loader.resolve(kind, value, event.implicit)
            if kind is yaml.ScalarNode:
                node = yaml.ScalarNode(
                    tag, event.value, event.start_mark, event.end_mark, style=event.style
                )
            else:
                node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if event.anchor is not None:
                if event.anchor in anchors:
                    raise _Fault
                anchors[event.anchor] = node
        if not open_nodes:
            root = node
        elif isinstance(open_nodes[-1], yaml.SequenceNode):
            open_nodes[-1].value.append(node)
        elif keys[-1] is None:
            keys[-1] = node
        else:
            open_nodes[-1].value.append((keys[-1], node))
            keys[-1] = None
        if isinstance(node, yaml.CollectionNode) and not isinstance(event, yaml.AliasEvent):
            open_nodes.append(node)
            keys.append(None)
            if len(open_nodes) > _RECURSION_GUARD:
                raise _Fault
    if not loader.check_event(yaml.StreamEndEvent):
        raise _Fault  # a second document
    return root


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def validation_diagnostics(
    exc: Any, doc: Document, code: str, prefix: PathKey = ()
) -> list[Diagnostic]:
    """Turn a ``pydantic.ValidationError`` on ``doc`` (or on its value at ``prefix``) into
    positioned diagnostics, one per error."""
    return data_diagnostics(exc, doc.data, code, prefix, doc.span)


def data_diagnostics(
    exc: Any,
    data: Any,
    code: str,
    prefix: PathKey = (),
    span: Callable[..., Span] | None = None,
) -> list[Diagnostic]:
    """Turn a ``pydantic.ValidationError`` on ``data`` (or on its value at ``prefix``) into
    diagnostics, one per error, each with the field's ``loc`` below ``prefix``; ``span(path,
    key=...)`` positions them when the data was read from a file."""

    def at(path: PathKey, key: bool = False) -> Span | None:
        return None if span is None else span(path, key=key)

    out: list[Diagnostic] = []
    errors = exc.errors(include_url=False)
    refused: set[PathKey] = set()  # a value each branch of a union refused: said once
    for err in errors:
        if _shadowed_union_branch(err["loc"], errors):
            continue
        path = data_path(data, (*prefix, *err["loc"]))
        if err["type"] != "missing":  # (a missing key's path is its parent's: one each)
            if path in refused:
                continue
            refused.add(path)
        loc = tuple(p for p in path[len(prefix) :] if isinstance(p, str | int))
        dotted = ".".join(str(p) for p in path[len(prefix) :]) or "(top level)"
        if err["type"] == "extra_forbidden":
            message = f"unknown key {path[-1]!r}" if path else "unknown key"
            out.append(Diagnostic(code, message, at(path, key=True), path=path, loc=loc, key=True))
        elif err["type"] == "missing":
            missing = err["loc"][-1]
            # where the key is missing: the record holding it ("in id" named the key itself)
            inner = path[len(prefix) :]
            inner = inner[:-1] if inner and inner[-1] == missing else inner
            where = ".".join(str(p) for p in inner)
            message = f"missing key {missing!r}" + (f" in {where}" if where else "")
            out.append(Diagnostic(code, message, at(path), path=path, loc=loc))
        elif err["type"] == "string_unicode" and isinstance(err["input"], str):
            # A str of Python data holding a UTF-16 half (``"\ud800"``; the readers refuse
            # one in a file, E013): refused by pydantic-core, which reads each str as text.
            half = SURROGATE.search(err["input"])
            message = surrogate_message(half.group()) if half else err["msg"]
            out.append(Diagnostic(code, f"{dotted}: {message}", at(path), path=path, loc=loc))
        else:
            out.append(Diagnostic(code, f"{dotted}: {err['msg']}", at(path), path=path, loc=loc))
    return out


def data_path(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """Follow ``loc`` (a pydantic error's) through ``data``, dropping pydantic's union tags
    that are not data keys: the keys and indexes of the value it is about."""
    path: list[Hashable] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            path.append(part)  # a missing or unknown key: point at its parent
            node = None
    return tuple(path)


def _is_tag(part: Any) -> bool:
    """A loc element naming a union member (``list[Citation]``, ``Citation``), not a key."""
    return isinstance(part, str) and (part[:1].isupper() or "[" in part)


def _shadowed_union_branch(loc: tuple[Any, ...], errors: list[Any]) -> bool:
    """True for an error in the list branch of a ``X | list[X]`` union when the other branch
    also failed: the single-value error says more."""
    for i, part in enumerate(loc):
        if isinstance(part, str) and part.startswith("list["):
            prefix = loc[:i]
            return any(
                e["loc"][:i] == prefix
                and len(e["loc"]) > i
                and not str(e["loc"][i]).startswith("list[")
                for e in errors
            )
    return False
