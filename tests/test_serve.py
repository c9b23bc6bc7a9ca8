"""``egovrules serve`` tested as a client would: a real server in a subprocess on a free
loopback port, spoken to over HTTP. One server for the module (a token, small limits); the
tests that need a server of their own (a planted bug, a shutdown) start one."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")
pytest.importorskip("httpx", reason="the test extra is not installed")

import httpx
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import egovrules
from egovrules.engine.run import RunOptions, check_loaded
from egovrules.report.render.json import render_json
from egovrules.service.body import subjects_of_body
from egovrules.service.errors import ServiceError, error_body
from egovrules.source.json_document import JsonDocument
from egovrules.subjects import SUBJECT_MODELS, parse_subject
from tests import calendar_cases
from tests.conftest import FIXTURES, ROOT
from tests.serving import Server, start, token_client
from tests.strategies import pack_strings, subject_data

TOKEN = "s3cret-token-for-tests"
MAX_BATCH = 50
MAX_BODY = 200_000
EGOVRULES = (sys.executable, "-m", "egovrules")
JSON = ("--format", "json", "--lang")
DIFF_OPTIONS = ("--concept", "website", "--max-candidates", "50")
EXAMPLE = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
NOTICE = FIXTURES / "calendar" / "notice-2027.yaml"
BAD_NOTICE = FIXTURES / "calendar" / "notice-2027-malformed.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The module's server: every bundled pack, a bearer token, small limits."""
    tmp = tmp_path_factory.mktemp("serve")
    token_file = tmp / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    running = start(
        tmp / "server.log",
        "--token-file",
        str(token_file),
        "--max-batch",
        str(MAX_BATCH),
        "--max-body-bytes",
        str(MAX_BODY),
    )
    yield running
    assert running.stop() == 0, running.log_text()


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    """A client that sends the token."""
    with token_client(server, TOKEN) as c:
        yield c


def _example_json() -> bytes:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return json.dumps(data, default=str, ensure_ascii=False).encode()


def _read_answer(s: socket.socket) -> bytes:
    """One whole HTTP answer (head and a Content-Length body) read from a raw socket."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += s.recv(65536)
    head, body = answer.split(b"\r\n\r\n", 1)
    length = int(
        next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[
            1
        ]
    )
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The error body of ``response``, checked: its status, its code, its request id, and
    never a traceback."""
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    body = response.json()
    assert body["error"]["code"] == code, body
    assert body["request_id"] == response.headers["x-request-id"]
    return body


# ---- health, token ---------------------------------------------------------------------------


def test_health_needs_no_token(server: Server) -> None:
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server.url}/readyz").json()
    assert ready == {"status": "ready", "packs": egovrules.available_packs()}


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Bearer {TOKEN}x", TOKEN])
@pytest.mark.parametrize("path", ["/v1/packs", "/openapi.json", "/v1/schemas/website"])
def test_every_other_endpoint_needs_the_token(
    server: Server, header: str | None, path: str
) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = httpx.get(f"{server.url}{path}", headers=headers)
    _error(response, 401, "E704")
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_request_id_is_echoed(client: httpx.Client) -> None:
    assert (
        client.get("/v1/packs", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    # not a short token of letters, digits and dashes: a new id instead
    made = client.get("/v1/packs", headers={"X-Request-ID": "a b\\c"}).headers["x-request-id"]
    assert len(made) == 32


# ---- packs -----------------------------------------------------------------------------------


def test_packs_lists_each_loaded_pack(client: httpx.Client) -> None:
    packs = client.get("/v1/packs").json()["packs"]
    assert [p["id"] for p in packs] == egovrules.available_packs()
    for p in packs:
        pack = egovrules.load_pack(p["id"])
        assert p["sha256"] == pack.ruleset.content_hash
        assert p["version"] == pack.ruleset.version
        assert p["rules"] == len(pack.rules)
        assert {"en", "zh"} <= set(p["languages"])
        assert "effective" in p
    # The holiday calendar, as the check documents name it: only Shantou counts working days
    # (第十六条第二款 "自受理之日起七个工作日内予以批复"), so only it names one.
    calendars = {p["id"]: p["calendar"] for p in packs}
    assert [k for k, v in calendars.items() if v is not None] == ["shantou"]
    assert calendars["shantou"].startswith("chinese-calendar ")
    project = json.dumps(calendar_cases.project("2026-03-02", None), default=str)
    checked = client.post("/v1/packs/shantou/check", content=project).json()
    assert checked["reports"][0]["pack"]["calendar"] == calendars["shantou"]


def test_one_pack_has_its_rules_parameters_and_articles(client: httpx.Client) -> None:
    body = client.get("/v1/packs/wuhan").json()
    pack = egovrules.load_pack("wuhan")
    assert [r["id"] for r in body["rules"]] == [r.id for r in pack.rules]
    assert [p["name"] for p in body["parameters"]] == [p.name for p in pack.ruleset.parameters]
    assert [a["number"] for a in body["articles"]] == [a.number for a in pack.ruleset.articles]
    first = body["rules"][0]["citations"][0]
    assert first["quote"] == pack.rules[0].citations[0].quote


def test_unknown_pack(client: httpx.Client) -> None:
    body = _error(client.get("/v1/packs/wuhna"), 404, "E700")
    assert "did you mean 'wuhan'" in body["error"]["message"]


@pytest.mark.parametrize("name", ["rules/wuhan.yaml", "/etc/passwd", "wuhan@HEAD"])
def test_no_endpoint_reads_a_path_named_in_a_request(client: httpx.Client, name: str) -> None:
    _error(client.get("/v1/diff", params={"a": name, "b": "wuhan"}), 404, "E700")
    _error(client.post("/v1/packs/x/check", params={"only": name}, content=b"{}"), 404, "E700")


# ---- check -----------------------------------------------------------------------------------


def test_check_answers_what_the_cli_prints(client: httpx.Client, tmp_path: Path) -> None:
    """The document ``egovrules check --format json`` prints for a file named ``request``,
    keys in the same order, without the indentation: the CLI's document written compactly."""
    body = _example_json()
    (tmp_path / "request").write_bytes(body)
    for lang in ("en", "zh"):
        cli = subprocess.run(
            [
                *EGOVRULES,
                "check",
                "--city",
                "wuhan",
                "--as-of",
                "2026-03-22",
                *JSON,
                lang,
                "request",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert cli.returncode == 1, cli.stderr
        served = client.post(
            "/v1/packs/wuhan/check", params={"as_of": "2026-03-22", "lang": lang}, content=body
        )
        assert served.status_code == 200
        assert served.headers["content-type"] == "application/json"
        compact = json.dumps(json.loads(cli.stdout), ensure_ascii=False, separators=(",", ":"))
        assert served.text == compact + "\n"


def test_a_batch_answers_what_the_cli_prints(client: httpx.Client, tmp_path: Path) -> None:
    """A batch written as a Windows client writes it (indented, CRLF, UTF-8), read by the JSON
    fast path: each report's source line and each finding's line and column are the ones
    ``egovrules check`` gives for the same file."""
    data = json.loads(_example_json())
    batch = [
        {**data, "id": f"site-{i}", "network_access_date": f"2026-03-0{i + 1}"} for i in range(3)
    ]
    body = json.dumps(batch, indent=4, ensure_ascii=False).replace("\n", "\r\n").encode()
    (tmp_path / "request").write_bytes(body)
    command = [*EGOVRULES, "check", "--city", "wuhan", "--as-of", "2026-03-22", *JSON, "en"]
    cli = subprocess.run(
        [*command, "request"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert cli.returncode == 1, cli.stderr
    served = client.post("/v1/packs/wuhan/check", params={"as_of": "2026-03-22"}, content=body)
    assert served.status_code == 200, served.text
    assert served.json() == json.loads(cli.stdout)
    starts = [n for n, line in enumerate(body.split(b"\r\n"), 1) if line == b"    {"]
    assert [r["subject"]["source"] for r in served.json()["reports"]] == [
        f"request:{n}" for n in starts
    ]


def test_check_only_skip_explain_and_waivers(client: httpx.Client) -> None:
    data = json.loads(_example_json())
    rule = "wuhan.website.police_filing_15_days"
    url, as_of = "/v1/packs/wuhan/check", {"as_of": "2026-03-22"}
    only = client.post(url, params={**as_of, "only": "website.police_*"}, json=data).json()
    assert set(only["reports"][0]["outcomes"]) == {
        "wuhan.website.police_filing_15_days",
        "wuhan.website.police_filing_authority",
    }
    # A pattern that matches no rule would check nothing: refused, not answered "compliant".
    refused = client.post(url, params={**as_of, "only": "website.polise_*"}, json=data)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "E702"
    assert "only 'website.polise_*' matches no rule" in refused.json()["error"]["message"]
    skipped = client.post(url, params={**as_of, "skip": rule}, json=data).json()
    assert skipped["reports"][0]["violations"] == []
    explained = client.post(url, params={**as_of, "explain": "true"}, json=data).json()
    assert explained["reports"][0]["violations"][0]["explanation"]["rule_id"] == rule
    waiver = {"rule": rule, "reason": "filed on paper", "expires": "2026-12-31"}
    waived = client.post(url, params=as_of, json={**data, "waivers": [waiver]}).json()
    assert waived["reports"][0]["violations"] == []
    assert waived["reports"][0]["waived"][0]["waiver"] == waiver


def test_check_a_batch(client: httpx.Client) -> None:
    data = json.loads(_example_json())
    batch = [{**data, "id": f"site-{i}"} for i in range(3)]
    body = client.post("/v1/packs/wuhan/check", params={"as_of": "2026-03-22"}, json=batch)
    reports = body.json()["reports"]
    assert [r["subject"]["id"] for r in reports] == ["site-0", "site-1", "site-2"]
    assert reports[2]["subject"]["source"].startswith("request:")


def test_a_batch_too_large_is_refused(client: httpx.Client) -> None:
    one = {"kind": "website", "id": "s"}
    ok = client.post("/v1/packs/wuhan/check", json=[one] * MAX_BATCH)
    assert ok.status_code == 200
    body = _error(client.post("/v1/packs/wuhan/check", json=[one] * (MAX_BATCH + 1)), 413, "E701")
    assert f"at most {MAX_BATCH}" in body["error"]["message"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # not a document: the reader's codes, positioned by line and column
        (b'{"kind": "website", "id": ', (400, "E003", None, 1)),
        (b"\xff\xfe", (400, "E002", None, 1)),
        (b'{"kind": "website", "kind": "project"}', (400, "E010", "$.kind", 1)),
        # not a subject: the validator's, positioned by a JSON path as well
        (b'{"kind": "website", "id": "s", "colour": "red"}', (422, "E300", "$.colour", 1)),
        (
            b'[{"kind": "website", "id": "a"},\n {"kind": "website", "id": "b",'
            b' "network_access_date": "2026-02-30"}]',
            (422, "E300", "$[1].network_access_date", 2),
        ),
        (b'{"kind": "website"}', (422, "E300", "$.id", 1)),
        (b'"a string"', (422, "E301", "$", 1)),
        (b'{"id": "s"}', (422, "E302", "$", 1)),
        (b'{"kind": "spaceship", "id": "s"}', (422, "E303", "$.kind", 1)),
        (b'{"kind": "website", "id": "s", "city": "tianjin"}', (422, "E306", "$.city", 1)),
    ],
    ids=[
        "syntax",
        "not-utf8",
        "duplicate-key",
        "unknown-field",
        "bad-date-in-batch",
        "missing-field",
        "not-a-mapping",
        "no-kind",
        "unknown-kind",
        "other-city",
    ],
)
def test_bad_bodies_are_data(
    client: httpx.Client, body: bytes, expected: tuple[int, str, str | None, int]
) -> None:
    """The command line's code for the same file, a JSON path for the field."""
    status, code, location, line = expected
    answer = _error(client.post("/v1/packs/wuhan/check", content=body), status, code)
    first = answer["diagnostics"][0]
    assert (first["code"], first["location"], first["line"]) == (code, location, line)


@pytest.mark.parametrize("endpoint", ["check", "explain?rule=WH-WEB-001"])
@pytest.mark.parametrize("body", [b'{"id": "s"}', b'[{"kind": "website", "id": "a"}, {"id": "b"}]'])
def test_a_subject_without_a_kind_is_told_the_http_way(
    client: httpx.Client, endpoint: str, body: bytes
) -> None:
    """No ``--kind`` over HTTP (no parameter names a kind): the body's ``kind`` field is the
    one way, and the only one E302 names."""
    answer = _error(client.post(f"/v1/packs/wuhan/{endpoint}", content=body), 422, "E302")
    (problem,) = [p for p in answer["diagnostics"] if p["code"] == "E302"]
    assert problem["message"] == "no subject kind: add a 'kind' field"
    assert "--" not in answer["error"]["message"] + str(problem["hint"])


@pytest.mark.parametrize(
    ("params", "location"),
    [({"as_of": "2026-02-30"}, "query.as_of"), ({"lang": "fr"}, "query.lang")],
)
def test_bad_parameters(client: httpx.Client, params: dict[str, str], location: str) -> None:
    body = _error(client.post("/v1/packs/wuhan/check", params=params, content=b"{}"), 400, "E702")
    assert body["diagnostics"][0]["location"] == location


def test_a_body_too_large_is_refused_unread(server: Server) -> None:
    """A Content-Length past the limit is answered at once, though no byte of the body was
    sent; a chunked body is cut at the first chunk past the limit."""
    head = (
        "POST /v1/packs/wuhan/check HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(head.encode())
        answer = _read_answer(s).decode()
    assert answer.startswith("HTTP/1.1 413"), answer
    assert '"E001"' in answer

    def chunks() -> Iterator[bytes]:
        yield b'[{"kind": "website", "id": "s"}'
        for _ in range(MAX_BODY // 1000 + 1):
            yield b"," + b" " * 1000

    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = httpx.post(
        f"{server.url}/v1/packs/wuhan/check", content=chunks(), headers=headers, timeout=30
    )
    _error(response, 413, "E001")


def test_unknown_endpoint_and_method(client: httpx.Client) -> None:
    _error(client.get("/v2/packs"), 404, "E707")
    _error(client.delete("/v1/packs"), 405, "E707")


@pytest.mark.parametrize(
    "path",
    [
        "/healthz",
        "/readyz",
        "/v1/packs",
        "/v1/packs/wuhan",
        "/v1/schemas",
        "/v1/schemas/website",
        "/v1/diff?a=wuhan&b=tianjin&witnesses=false&concept=website",
        "/",
        "/openapi.json",
        "/v1/packs/nowhere",  # an error answers HEAD as it answers GET: its status, no body
    ],
)
def test_every_get_endpoint_answers_head(client: httpx.Client, path: str) -> None:
    """RFC 9110 9.3.2: HEAD where GET is, with GET's status and headers and no body."""
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code, head.text
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert "HEAD" in client.get("/openapi.json").json()["info"]["description"]


def test_head_of_a_post_endpoint_is_405(client: httpx.Client) -> None:
    head = client.head("/v1/packs/wuhan/check")
    assert (head.status_code, head.headers["allow"], head.content) == (405, "POST", b"")


# ---- the answer is pack.check's --------------------------------------------------------------

_WUHAN = egovrules.load_pack("wuhan")
_STRINGS = pack_strings(_WUHAN.ruleset)


@st.composite
def _subjects(draw: st.DrawFn) -> list[Any]:
    kind = draw(st.sampled_from(sorted(SUBJECT_MODELS)))
    raw = draw(st.lists(subject_data(SUBJECT_MODELS[kind], _STRINGS), min_size=1, max_size=4))
    return [parse_subject({**d, "id": f"s{i}", "city": None}) for i, d in enumerate(raw)]


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(subjects=_subjects(), as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
def test_the_answer_is_pack_check(
    client: httpx.Client, subjects: list[Any], as_of: dt.date
) -> None:
    """Every outcome, violation, upcoming deadline and undetermined rule the server reports
    for a batch is the one ``pack.check`` gives each subject in-process."""
    body = [s.model_dump(mode="json", exclude_none=True) for s in subjects]
    answer = client.post("/v1/packs/wuhan/check", params={"as_of": str(as_of)}, json=body)
    assert answer.status_code == 200, answer.text
    for subject, served in zip(subjects, answer.json()["reports"], strict=True):
        report = _WUHAN.check(subject, as_of=as_of)
        assert served["outcomes"] == {rid: o.label for rid, o in report.outcomes.items()}
        assert [v["rule_id"] for v in served["violations"]] == [
            v.rule_id for v in report.violations
        ]
        assert [(u["rule_id"], u["due"]) for u in served["upcoming"]] == [
            (u.rule_id, None if u.due is None else str(u.due)) for u in report.upcoming
        ]
        assert served["compliant"] == report.compliant


# ---- the fast path reads what the positioned reader reads ------------------------------------


def _document(body: bytes, *, fast: bool, as_of: dt.date = dt.date(2026, 3, 22)) -> str:
    """The subjects read from ``body`` and their check document (or the refusal, as its
    status and body), by the fast path and the positioned reader, or by the positioned reader
    alone, in-process."""
    try:
        subjects = subjects_of_body(_WUHAN, body, fast=fast)
    except ServiceError as exc:
        return f"{exc.status} {error_body(exc, '-').model_dump_json()}"
    options = RunOptions(city="wuhan", as_of=as_of)
    checked = [check_loaded(s, options, {"wuhan": _WUHAN}) for s in subjects]
    read = [s.subject.model_dump_json() for s in subjects]  # 1E+6 is not 1000000.0
    return "\n".join([*read, render_json(checked, "en", indent=None)])


@settings(max_examples=60, deadline=None, database=None)
@given(
    subjects=_subjects(),
    as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    layout=st.tuples(st.sampled_from([None, 1, 2, 4]), st.booleans(), st.booleans()),
)
def test_the_fast_path_answers_what_the_positioned_reader_answers(
    subjects: list[Any], as_of: dt.date, layout: tuple[int | None, bool, bool]
) -> None:
    """Generated batches, written as a Java, Go or Python client writes JSON (on one line or
    indented, ASCII escapes or UTF-8, LF or CRLF): read by ``json.loads`` and pydantic, each
    report is the positioned reader's, byte for byte: the same subjects, the same source lines,
    every finding at the same line and column."""
    indent, ascii_only, crlf = layout
    data = [s.model_dump(mode="json", exclude_none=True) for s in subjects]
    text = json.dumps(data if len(data) > 1 else data[0], indent=indent, ensure_ascii=ascii_only)
    body = (text.replace("\n", "\r\n") if crlf else text).encode()
    read = subjects_of_body(_WUHAN, body)
    assert all(isinstance(s.document, JsonDocument) for s in read)  # the fast path answered
    assert _document(body, fast=True, as_of=as_of) == _document(body, fast=False, as_of=as_of)


@pytest.mark.parametrize(
    "body",
    [
        # the module's bad bodies (test_bad_bodies_are_data), refused alike
        b'{"kind": "website", "id": ',
        b"\xff\xfe",
        b'{"kind": "website", "kind": "project"}',
        b'{"kind": "website", "id": "s", "colour": "red"}',
        b'[{"kind": "website", "id": "a"},\n {"kind": "website", "id": "b",'
        b' "network_access_date": "2026-02-30"}]',
        b'{"kind": "website"}',
        b'"a string"',
        b'{"id": "s"}',
        b'{"kind": "spaceship", "id": "s"}',
        b'{"kind": "website", "id": "s", "city": "tianjin"}',
        # every bad subject of a batch, each at its JSON path
        b'[{"kind": "website", "id": "a", "colour": 1}, {"kind": "website", "id": "b"},'
        b' {"kind": "website"}, {"kind": "spaceship", "id": "d"}]',
        # JSON that json.loads reads otherwise than the positioned reader: declined, then
        # answered as that reader answers (an amount of 1e6 is the string "1e6" to YAML 1.1)
        b'{"kind": "department", "id": "d", "special_funds": [{"year": 2025, "amount": 1e6}]}',
        b'{"kind": "website", "id": "s", "has_interactive_columns": true,'
        b' "network_access_date": "2026-03-01", "city": "wuhan"}',
        b'{\t"kind": "website", "id": "s"}',  # a tab: read as JSON, as a .json file is
        b'{"kind": "website", "id": "s", "name": "\\ud800"}',  # a lone surrogate: E013
        b"[" + b", ".join([b'{"kind": "website", "id": "s"}'] * (MAX_BATCH + 1)) + b"]",
        b"[]",
        b"kind: website\nid: s\nnetwork_access_date: 2026-03-01\n",  # YAML, read as a file is
    ],
)
def test_the_fast_path_refuses_what_the_positioned_reader_refuses(body: bytes) -> None:
    """Each body answers or is refused the same, status, code, message, JSON path, line and
    column, whether the fast path is tried first or not."""
    assert _document(body, fast=True) == _document(body, fast=False)


_NUL_KEY = '$["\\u0000key"]'


@pytest.mark.parametrize(
    ("body", "code", "location", "line", "at"),
    [
        (b'{"kind": "website", "kind": "project"}', "E010", "$.kind", 1, b'"kind": "project"'),
        (
            b'[{"kind": "website", "id": "a"},\n {"kind": "website", "id": "b", "id": "c"}]',
            "E010",
            "$[1].id",
            2,
            b'"id": "c"',
        ),
        (b"kind: website\nid: s\nid: t\n", "E010", "$.id", 3, b"id: t"),  # YAML
        (
            b'{\n\t"kind": "website",\n\t"id": "a",\n\t"id": "b"\n}\n',
            "E010",
            "$.id",
            4,
            b'"id": "b"',
        ),
        (b'{"kind": "website", "id": "s", "name": "\\ud800"}', "E013", "$.name", 1, b'"\\ud800"'),
        (
            b'[{"kind": "website", "id": "a"},\n\t{"kind": "website", "id": "b",'
            b' "x": {"y": [1, "\\udc00"]}}]',
            "E013",
            "$[1].x.y[1]",
            2,
            b'"\\udc00"',
        ),
        (
            b'[{"kind": "website", "id": "a"},\n {"kind": "website", "id": "b", "\\ud800": 1}]',
            "E013",
            '$[1]["\\ud800"]',  # escaped: no text holds a lone half
            2,
            b'"\\ud800": 1',
        ),
        (b'kind: website\nid: s\n"k\\udc00": 1\n', "E013", '$["k\\udc00"]', 3, b'"k'),  # YAML
        # the YAML reader's other refusals of a value: a tag, a date no calendar has, a merge key
        (b"kind: website\nid: s\nname: !!python/object:os.system x\n", "E006", "$.name", 3, b"!!"),
        (b"kind: website\nid: s\nday: 2026-02-30\n", "E007", "$.day", 3, b"2026"),
        (b"kind: website\nid: s\nx: &a {b: 1}\ny:\n  <<: *a\n", "E008", '$.y["<<"]', 5, b"<<"),
        # a key the reader's own name for a key being read ("\0key") is a key like any other
        (
            b'{"kind": "website", "id": "s", "\\u0000key": "\\ud800"}',
            "E013",
            _NUL_KEY,
            1,
            b'"\\ud8',
        ),
        (
            b'kind: website\nid: s\n"\\0key": !!python/name:os.system x\n',
            "E006",
            _NUL_KEY,
            3,
            b"!!",
        ),
    ],
    ids=[
        "key-twice",
        "key-twice-in-batch",
        "key-twice-yaml",
        "key-twice-tabs",
        "surrogate",
        "surrogate-deep-tabs",
        "surrogate-in-key",
        "surrogate-in-key-yaml",
        "tag",
        "invalid-date",
        "merge-key",
        "surrogate-in-the-value-of-a-nul-key",
        "tag-in-the-value-of-a-nul-key",
    ],
)
def test_a_value_or_key_the_reader_refuses_is_refused_at_its_json_path(
    body: bytes, code: str, location: str, line: int, at: bytes
) -> None:
    """A key named twice (E010) and a lone surrogate (E013) carried a line and column but no
    JSON path (review: ``location`` null, where every subject error has one): now the path of
    the second key, or of the string (the key's own when the key holds it), in JSON, in YAML,
    in a tab-indented JSON text, by the fast path and by the positioned reader alike; the
    answer is UTF-8 JSON. So do the YAML reader's other refusals of one value or key."""
    column = body.splitlines()[line - 1].index(at) + 1
    for fast in (True, False):
        with pytest.raises(ServiceError) as info:
            subjects_of_body(_WUHAN, body, fast=fast)
        assert info.value.status == 400
        [problem] = info.value.diagnostics
        assert (problem.code, problem.location, problem.line, problem.column) == (
            code,
            location,
            line,
            column,
        )
        answer = json.loads(error_body(info.value, "-").model_dump_json().encode("utf-8"))
        assert answer["diagnostics"][0]["location"] == location


def test_a_tab_indented_json_body_is_read_as_json(client: httpx.Client) -> None:
    """JSON allows a tab between tokens (RFC 8259, section 2: ``ws`` includes %x09) and YAML
    does not: a Go client's ``json.MarshalIndent(v, "", "\t")`` body was refused as a YAML
    syntax error (E003). It is read as ``egovrules check`` reads a ``.json`` file, and
    answers what the same subjects indented with spaces answer."""
    subjects = [
        {
            "kind": "website",
            "id": "a",
            "has_interactive_columns": True,
            "network_access_date": "2026-01-02",
        },
        {"kind": "website", "id": "b"},
    ]
    url = "/v1/packs/wuhan/check?as_of=2026-03-22"
    tabs = client.post(url, content=json.dumps(subjects, indent="\t").encode())
    spaces = client.post(url, content=json.dumps(subjects, indent=2).encode())
    assert tabs.status_code == spaces.status_code == 200, tabs.text

    def verdicts(answer: httpx.Response) -> list[tuple[str, list[str]]]:
        return [
            (r["subject"]["id"], [v["rule_id"] for v in r["violations"]])
            for r in answer.json()["reports"]
        ]

    assert verdicts(tabs) == verdicts(spaces)
    assert "wuhan.website.police_filing_15_days" in verdicts(tabs)[0][1]
    assert tabs.json()["summary"] == spaces.json()["summary"]

    # Each subject and finding located where it stands in the tabbed text, on the line the
    # spaced text has it on (review: all were at 1:1): the filing not made, at its subject
    # (which holds no police_filing), line 2; the second subject from line 8.
    def located(answer: httpx.Response) -> list[tuple[str, str, int]]:
        return [
            (r["subject"]["source"], v["rule_id"], v["location"]["line"])
            for r in answer.json()["reports"]
            for v in r["violations"]
        ]

    assert located(tabs) == located(spaces)
    assert ("request:2", "wuhan.website.police_filing_15_days", 2) in located(tabs)

    # A key named twice is refused at the second, as in the spaced text (review: the tabbed
    # body's E010 was at line 1, column 1, without the first key's line).
    twice = b'{\n\t"kind": "website",\n\t"id": "a",\n\t"id": "b"\n}\n'
    refused = client.post(url, content=twice)
    assert refused.status_code == 400, refused.text
    [problem] = refused.json()["diagnostics"]
    assert (problem["code"], problem["line"], problem["column"]) == ("E010", 4, 2)
    assert problem["message"] == "duplicate key 'id' (first defined at line 3)"
    assert [r["subject"]["source"] for r in tabs.json()["reports"]] == ["request:2", "request:8"]
    # A subject that does not validate is still refused at its JSON path.
    bad = json.dumps([subjects[1], {"kind": "website", "id": "c", "colour": 1}], indent="\t")
    refusal = _error(client.post(url, content=bad.encode()), 422, "E300")
    assert refusal["diagnostics"][0]["location"] == "$[1].colour"


def test_every_bad_subject_of_a_batch_is_listed(client: httpx.Client) -> None:
    """A batch is checked whole or refused whole (docs/serve.md, "A batch"): the refusal lists
    every subject that does not validate, each at its JSON path and line, so that a client
    fixes or drops them all in one round trip."""
    body = (
        b'[{"kind": "website", "id": "a"},\n{"kind": "website", "id": "b", "colour": 1},\n'
        b'{"kind": "website", "id": "c"},\n{"kind": "website"}]'
    )
    answer = _error(client.post("/v1/packs/wuhan/check", content=body), 422, "E300")
    found = [(d["code"], d["location"], d["line"]) for d in answer["diagnostics"]]
    assert found == [("E300", "$[1].colour", 2), ("E300", "$[3].id", 4)]
    assert answer["error"]["message"].endswith("(and 1 more)")


def test_concurrent_clients_get_their_own_answers(server: Server) -> None:
    """16 clients at once, each its own subject and date: each answer is the one a lone
    request gets."""
    data = json.loads(_example_json())
    dates = [f"2026-03-{d:02d}" for d in range(1, 17)]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    url = f"{server.url}/v1/packs/wuhan/check"
    alone = {
        d: httpx.post(url, params={"as_of": d}, json=data, headers=headers).text for d in dates
    }
    together: dict[str, list[str]] = {d: [] for d in dates}

    def ask(day: str) -> None:
        with httpx.Client(headers=headers, timeout=60) as c:
            for _ in range(4):
                together[day].append(c.post(url, params={"as_of": day}, json=data).text)

    threads = [threading.Thread(target=ask, args=(d,)) for d in dates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert together == {d: [alone[d]] * 4 for d in dates}
    assert len(set(alone.values())) > 1  # the dates do change the answer


# ---- explain, diff, schemas ------------------------------------------------------------------


def test_explain_answers_what_the_cli_prints(client: httpx.Client) -> None:
    rule = "wuhan.website.police_filing_15_days"
    cli = subprocess.run(
        [*EGOVRULES, "explain", "--as-of", "2026-03-22", "--format", "json", str(EXAMPLE), rule],
        capture_output=True,
        text=True,
        check=True,
    )
    served = client.post(
        "/v1/packs/wuhan/explain",
        params={"rule": rule, "as_of": "2026-03-22"},
        content=_example_json(),
    )
    assert served.json() == {"explanations": [json.loads(cli.stdout)]}


def test_explain_errors(client: httpx.Client) -> None:
    url, body = "/v1/packs/wuhan/explain", _example_json()
    _error(client.post(url, params={"rule": "nope"}, content=body), 404, "E703")
    project_rule = next(r.id for r in _WUHAN.rules if r.subject == "project")
    _error(client.post(url, params={"rule": project_rule}, content=body), 422, "E708")
    both = b"[" + body + b"," + body + b"]"
    _error(client.post(url, params={"rule": "x"}, content=both), 422, "E708")
    # The body is one subject, as the OpenAPI document says: not a list, even of one.
    for listed in (b"[" + body + b"]", b"[]"):
        refused = _error(client.post(url, params={"rule": "x"}, content=listed), 422, "E708")
        assert (
            refused["error"]["message"] == "explain takes one subject (a JSON object), not a list"
        )
    _error(client.post(url, content=body), 400, "E702")  # no rule named


def test_diff_answers_what_the_cli_prints(client: httpx.Client) -> None:
    cli = subprocess.run(
        [*EGOVRULES, "diff", "wuhan", "tianjin", "--format", "json", *DIFF_OPTIONS],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode in (0, 1), cli.stderr
    params = {"a": "wuhan", "b": "tianjin", "concept": "website", "max_candidates": 50}
    served = client.get("/v1/diff", params=params)
    assert served.status_code == 200
    assert served.text == cli.stdout


def test_diff_errors(client: httpx.Client) -> None:
    """The diff's own refusals (a concept no pack has) are a 400, not a bug (schemathesis
    found this one)."""
    params = {"a": "wuhan", "b": "tianjin", "concept": "no-such-concept"}
    body = _error(client.get("/v1/diff", params=params), 400, "E702")
    assert "no concept matches 'no-such-concept'" in body["error"]["message"]
    _error(client.get("/v1/diff", params={"a": "wuhan"}), 400, "E702")
    _error(client.get("/v1/diff", params={"a": "wuhan", "b": "x", "seed": -1}), 400, "E702")


_SITE = b'{"kind": "website", "id": "s"}'
_PROJECT_RULE = next(r.id for r in _WUHAN.rules if r.subject == "project")


_EXPLAIN = "/v1/packs/wuhan/explain"


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (("GET", "/v1/packs/wuhna", {}, None), (404, "E700", "path.pack")),
        (("POST", "/v1/packs/x/check", {}, _SITE), (404, "E700", "path.pack")),
        (("GET", "/v1/diff", {"a": "wuhna", "b": "wuhan"}, None), (404, "E700", "query.a")),
        (("GET", "/v1/diff", {"a": "wuhan", "b": "x"}, None), (404, "E700", "query.b")),
        (
            ("GET", "/v1/diff", {"a": "wuhan", "b": "tianjin", "concept": "no-such"}, None),
            (400, "E702", "query.concept"),
        ),
        (
            ("POST", "/v1/packs/wuhan/check", {"only": "no.such.*"}, _SITE),
            (400, "E702", "query.only"),
        ),
        (("POST", _EXPLAIN, {"rule": "nope"}, _SITE), (404, "E703", "query.rule")),
        (("POST", _EXPLAIN, {"rule": _PROJECT_RULE}, _SITE), (422, "E708", "query.rule")),
        (("POST", _EXPLAIN, {"rule": "x"}, b"[" + _SITE + b"]"), (422, "E708", "$")),
        (("GET", "/v1/schemas/spaceship", {}, None), (404, "E303", "path.kind")),
    ],
    ids=[
        "unknown-pack",
        "unknown-pack-to-check",
        "diff-unknown-a",
        "diff-unknown-b",
        "diff-unknown-concept",
        "check-only-nothing",
        "explain-unknown-rule",
        "explain-rule-of-another-kind",
        "explain-a-list",
        "schema-unknown-kind",
    ],
)
def test_a_refusal_names_the_parameter_or_body_it_is_about(
    client: httpx.Client,
    request_: tuple[str, str, dict[str, str], bytes | None],
    expected: tuple[int, str, str],
) -> None:
    """Each refusal of a parameter (an unknown pack, rule, concept or kind; a rule of another
    kind than the subject's) or of the body as a whole (a list to explain) had no diagnostic,
    so no ``location``, where a bad ``as_of`` has ``query.as_of``: now the one diagnostic
    names the path or query parameter, or ``$``, the body."""
    method, url, params, body = request_
    status, code, location = expected
    answer = _error(client.request(method, url, params=params, content=body), status, code)
    [problem] = answer["diagnostics"]
    assert (problem["code"], problem["location"]) == (code, location)
    assert problem["message"] == answer["error"]["message"]


def test_subject_schemas(client: httpx.Client) -> None:
    assert client.get("/v1/schemas").json() == list(SUBJECT_MODELS)
    for kind, model in SUBJECT_MODELS.items():
        assert client.get(f"/v1/schemas/{kind}").json() == model.model_json_schema()
    _error(client.get("/v1/schemas/spaceship"), 404, "E303")


# ---- the OpenAPI document --------------------------------------------------------------------


def test_openapi_document_is_valid_and_documents_every_error(client: httpx.Client) -> None:
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "401", "404", "413", "422", "500", "503"} <= documented, (path, method)
            ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorBody"
            if path not in ("/healthz", "/readyz"):
                assert operation["security"] == [{"bearer": []}]
    body = spec["paths"]["/v1/packs/{pack}/check"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["anyOf"][1]["maxItems"] == MAX_BATCH
    assert {"Project", "Website", "NetworkRequest", "Department"} <= set(
        spec["components"]["schemas"]
    )


def test_schemathesis_finds_no_server_error_and_no_answer_off_the_schema(
    server: Server,
) -> None:
    """Generated requests for every operation (a bounded number each): no 5xx, every status
    documented, every body as its schema says."""
    import schemathesis
    from hypothesis import HealthCheck as Health
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (  # where 4.0 has them too
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    headers = {"Authorization": f"Bearer {TOKEN}"}
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json", headers=headers)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9
    for operation in operations:
        examples = 5 if operation.path == "/v1/diff" else 12

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(Health),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(base_url=server.url, headers=headers, checks=checks)

        run()


# ---- the documented clients -----------------------------------------------------------------


def test_the_readme_curl_checks_a_subject(server: Server) -> None:
    """The README's curl, as written but for the address and the token."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (curl,) = [line for line in readme.splitlines() if line.startswith("curl ")]
    assert "http://127.0.0.1:8080/" in curl
    command = curl.replace("http://127.0.0.1:8080", server.url) + (
        f" -H 'Authorization: Bearer {TOKEN}'"
    )
    out = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)["reports"][0]
    assert "wuhan.website.police_filing_15_days" in {v["rule_id"] for v in report["violations"]}


def test_the_javascript_client(server: Server) -> None:
    """examples/serve/client.mjs, the non-Python client docs/serve.md shows, run by Node."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):  # the CI machine has Node.js: a CI run without it is broken
            pytest.fail("node is missing on a CI run")
        pytest.skip("node is not on this machine")
    out = subprocess.run(
        [node, str(ROOT / "examples" / "serve" / "client.mjs"), server.url],
        capture_output=True,
        text=True,
        env={**os.environ, "EGOVRULES_TOKEN": TOKEN},
        check=False,
    )
    assert out.returncode == 1, out.stderr  # violations found, as egovrules check
    assert "site-1: wuhan.website.police_filing_15_days (第十五条): network access 2026-03-01" in (
        out.stdout
    )
    wrong = subprocess.run(
        [node, str(ROOT / "examples" / "serve" / "client.mjs"), server.url],
        capture_output=True,
        text=True,
        env={**os.environ, "EGOVRULES_TOKEN": "wrong"},
        check=False,
    )
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("401 E704: a bearer token is required")


# ---- the access log --------------------------------------------------------------------------


def test_access_log_is_json_without_subject_contents(client: httpx.Client, server: Server) -> None:
    marker = "机密-marker-7f3a"
    answer = client.post(
        "/v1/packs/wuhan/check",
        json={"kind": "website", "id": "s", "name": marker},
        headers={"X-Request-ID": "log-test-1"},
    )
    assert answer.status_code == 200
    time.sleep(0.2)  # the log line is written after the answer
    lines = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]
    access = [r for r in lines if r.get("event") == "request"]
    mine = [r for r in access if r["request_id"] == "log-test-1"]
    assert len(mine) == 1
    assert mine[0]["path"] == "/v1/packs/wuhan/check"
    assert mine[0]["status"] == 200
    assert mine[0]["bytes_in"] == len(answer.request.content)
    assert marker not in server.log_text()


# ---- a server of its own: a planted bug, a timeout, a shutdown -------------------------------


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose check raises (a bug planted) and whose explain outlasts the timeout."""
    tmp = tmp_path_factory.mktemp("faulty")

    def while_loading(url: str) -> None:
        LOADING.append(httpx.get(f"{url}/readyz"))
        LOADING.append(httpx.get(f"{url}/v1/packs"))
        LOADING.append(httpx.get(f"{url}/healthz"))

    running = start(
        tmp / "server.log",
        "--packs",
        "wuhan",
        "--timeout",
        "1",
        script=FIXTURES / "serve" / "faulty.py",
        while_loading=while_loading,
    )
    yield running
    running.stop()


LOADING: list[httpx.Response] = []  # what the faulty server answered before it was ready


def test_not_ready_until_the_packs_are_compiled(faulty: Server) -> None:
    """Before its packs are compiled, the server is alive (/healthz) but not ready (/readyz
    503), and an endpoint that needs a pack answers 503 (E705); then it is ready."""
    readyz, packs, healthz = LOADING
    assert (readyz.status_code, readyz.json()) == (503, {"status": "loading", "packs": []})
    _error(packs, 503, "E705")
    assert healthz.json() == {"status": "ok"}
    assert httpx.get(f"{faulty.url}/readyz").json() == {"status": "ready", "packs": ["wuhan"]}


def test_the_compiled_packs_are_out_of_the_collectors_reach() -> None:
    """Once compiled, what a server holds for its lifetime is frozen (``gc.freeze``): a full
    collection, which the findings of a large batch set off, does not walk the packs (what it
    saves is in docs/benchmarks.md)."""
    from egovrules.service.loading import LoadedPacks

    gc.unfreeze()
    try:
        packs = LoadedPacks(("wuhan",))
        packs.load()
        pack = packs.get("wuhan")
        assert gc.is_tracked(pack)
        assert not any(o is pack for o in gc.get_objects())
    finally:
        gc.unfreeze()  # this test process's objects back within reach


def test_an_internal_error_is_a_500_with_an_id_in_the_log(faulty: Server) -> None:
    answer = httpx.post(f"{faulty.url}/v1/packs/wuhan/check", content=b'{"kind": "website"}')
    body = _error(answer, 500, "E799")
    assert "planted" not in answer.text
    time.sleep(0.2)
    logged = [
        json.loads(line)
        for line in faulty.log_text().splitlines()
        if body["request_id"] in line and '"internal error"' in line
    ]
    assert len(logged) == 1
    assert "RuntimeError: a planted bug" in logged[0]["traceback"]


def test_a_request_past_the_timeout_is_a_503(faulty: Server) -> None:
    start_time = time.monotonic()
    answer = httpx.post(
        f"{faulty.url}/v1/packs/wuhan/explain", params={"rule": "x"}, content=b"{}", timeout=30
    )
    _error(answer, 503, "E706")
    assert time.monotonic() - start_time < 2.5  # the planted explain takes 3 s


def test_sigterm_finishes_the_request_in_flight(tmp_path: Path) -> None:
    """SIGTERM while a request's body is half sent: the server waits for the rest, answers
    200, then exits 0; a new connection after SIGTERM is refused."""
    running = start(tmp_path / "server.log", "--packs", "wuhan")
    body = _example_json()
    head = (
        f"POST /v1/packs/wuhan/check?as_of=2026-03-22 HTTP/1.1\r\nHost: x\r\n"
        f"Content-Length: {len(body)}\r\nContent-Type: application/json\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", running.port), timeout=30) as s:
        s.sendall(head.encode() + body[:100])
        time.sleep(0.3)  # the request is in flight
        running.process.terminate()
        time.sleep(0.5)
        with pytest.raises(OSError):  # no longer listening
            socket.create_connection(("127.0.0.1", running.port), timeout=2).close()
        s.sendall(body[100:])
        answer = _read_answer(s)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["summary"]["violations"] == 1
    assert running.process.wait(timeout=30) == 0
    assert "Finished server process" in running.log_text()


def test_a_holiday_notice_decides_and_is_cited(client: httpx.Client, tmp_path: Path) -> None:
    """``serve --holidays FILE``: Shantou 第十六条第二款 "自受理之日起七个工作日内予以批复",
    received 2026-12-24. Without a notice for 2027 a reply on 2027-01-06 is undetermined (the
    module's server); with the notice (01-01 to 01-03 off) the seventh working day is 01-05,
    so it is late, no reply by 01-04 runs until 01-05, and the report cites the notice, naming
    its file without the server's folders."""
    as_of = {"as_of": "2027-03-01"}
    late = json.dumps(calendar_cases.project("2026-12-24", "2027-01-06"), default=str)
    plain = client.post("/v1/packs/shantou/check", params=as_of, content=late).json()
    assert [u["rule_id"] for u in plain["reports"][0]["undetermined"]] == [calendar_cases.RULE]
    running = start(tmp_path / "server.log", "--packs", "shantou", "--holidays", str(NOTICE))
    try:
        with httpx.Client(base_url=running.url, timeout=30) as other:
            answer = other.post("/v1/packs/shantou/check", params=as_of, content=late)
            waiting = json.dumps(calendar_cases.project("2026-12-24", None), default=str)
            upcoming = other.post(
                "/v1/packs/shantou/check", params={"as_of": "2027-01-04"}, content=waiting
            )
            listed = other.get("/v1/packs").json()["packs"]
    finally:
        assert running.stop() == 0, running.log_text()
    assert answer.status_code == 200, answer.text
    (report,) = answer.json()["reports"]
    assert [v["rule_id"] for v in report["violations"]] == [calendar_cases.RULE]
    assert report["notes"] == [
        f"{calendar_cases.RULE}: last day 2027-01-05 counted on the State Council's notice "
        "2027: 国务院办公厅关于2027年部分节假日安排的通知 (test fixture) (2026-11-12, "
        "https://www.gov.cn/zhengce/content/example-2027.htm), supplied in notice-2027.yaml"
    ]
    # The pack list names the notice the server counts on, as the report does.
    (shantou,) = listed
    assert shantou["calendar"] == report["pack"]["calendar"]
    assert "; 2027: 国务院办公厅关于2027年部分节假日安排的通知" in shantou["calendar"]
    (up,) = upcoming.json()["reports"][0]["upcoming"]
    assert (up["rule_id"], up["due"], up["days_left"]) == (calendar_cases.RULE, "2027-01-05", 1)


# ---- the command ----------------------------------------------------------------------------


def test_serve_without_the_extra_says_which_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from egovrules.cli import main

    monkeypatch.setitem(sys.modules, "fastapi", None)  # as if not installed
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'egovrules[serve]'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--packs", "wuhna"], "no bundled pack 'wuhna'"),
        (["--token-file", "/nonexistent/token"], "--token-file /nonexistent/token: cannot read"),
        (["--max-batch", "0"], "must be positive"),
        (["--workers", "0"], "--workers must be 1 or more"),
        (["--host", "203.0.113.9"], "cannot listen on 203.0.113.9:"),  # not this machine's
        (["--port", "70000"], "cannot listen on 127.0.0.1:70000"),
        # a refused notice, at its line and column (a range that runs backwards)
        (["--holidays", str(BAD_NOTICE)], f"{BAD_NOTICE}:7:38: error[E802]"),
    ],
)
def test_bad_options_exit_2(
    options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from egovrules.cli import main

    assert main(["serve", *options]) == 2
    assert message in capsys.readouterr().err


def test_a_port_in_use_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 and one line, not uvicorn's exit 3 (which egovrules reserves for its bugs)."""
    from egovrules.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--packs", "wuhan"]) == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in capsys.readouterr().err


def test_each_worker_reads_the_configuration_serve_was_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--workers N`` starts N processes that each build the application from the one
    environment variable ``egovrules serve`` sets."""
    from egovrules.service.config import ENVIRONMENT, ServiceConfig

    config = ServiceConfig(
        packs=("wuhan", "tianjin"),
        max_batch=7,
        token_file="/run/token",
        holidays=("/run/notice-2027.yaml",),
    )
    monkeypatch.setenv(ENVIRONMENT, config.to_json())
    assert ServiceConfig.from_environment() == config
    monkeypatch.delenv(ENVIRONMENT)
    assert ServiceConfig.from_environment() == ServiceConfig()
    assert ServiceConfig().pack_ids == tuple(egovrules.available_packs())
