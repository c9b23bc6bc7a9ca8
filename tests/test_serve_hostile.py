"""``egovrules serve`` against a hostile or sloppy client (an outside test of the service, each
case failing before its fix): no work a body can make the server do past its limits, no
answer that is not data, no parameter read more loosely than the command line reads it."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import egovrules
from egovrules.service.body import subjects_of_body
from egovrules.service.config import read_token
from egovrules.service.errors import ServiceError
from egovrules.source.errors import Diagnostic, InputError, UsageError
from egovrules.source.span import Span
from tests.serving import Server, start, token_client

TOKEN = "s3cret"
MAX_BATCH = 20
SITE = '{"kind": "website", "id": "s", "has_interactive_columns": true}'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose token file begins with a byte-order mark (as Windows editors write)."""
    tmp = tmp_path_factory.mktemp("hostile")
    token = tmp / "token"
    token.write_bytes(b"\xef\xbb\xbf" + TOKEN.encode() + b"\r\n")
    running = start(
        tmp / "server.log",
        "--token-file",
        str(token),
        "--max-batch",
        str(MAX_BATCH),
        "--max-body-bytes",
        str(4_000_000),
    )
    yield running
    assert running.stop() == 0, running.log_text()


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with token_client(server, TOKEN) as c:
        yield c


def _code(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    return str(response.json()["error"]["code"])


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_token_is_the_files_text_and_the_scheme_any_case(server: Server, scheme: str) -> None:
    """The byte-order mark was kept in the token (only `Bearer \\ufeffs3cret` passed), and
    `bearer` was refused (RFC 7235: the scheme is case-insensitive)."""
    headers = {"Authorization": f"{scheme} {TOKEN}"}
    assert httpx.get(f"{server.url}/v1/packs", headers=headers).status_code == 200
    assert (
        httpx.get(f"{server.url}/v1/packs", headers={"Authorization": f"{scheme} x"}).status_code
        == 401
    )


@pytest.mark.parametrize("text", ["s3cret\nmore", "s3\x00cret", "sécret"])
def test_a_token_no_client_could_send_is_refused_at_start(tmp_path: Path, text: str) -> None:
    path = tmp_path / "token"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match="printable ASCII"):
        read_token(str(path))


@pytest.mark.parametrize(
    "as_of", ["0", "-86400", "1772323200", "2026-03-01T00:00:00Z", "2026-03-01T00:00:00+08:00"]
)
def test_as_of_is_a_date_written_yyyy_mm_dd(client: httpx.Client, as_of: str) -> None:
    """A number was read as a Unix time (as_of=0 checked as of 1970-01-01), a date-time as its
    date; the command line refuses both."""
    response = client.post("/v1/packs/wuhan/check", params={"as_of": as_of}, content=SITE)
    assert _code(response, 400) == "E702"


@pytest.mark.parametrize("as_of", ["２０２６-03-01", "٢٠٢٦-٠٣-٠١"])
def test_as_of_in_other_digits_is_told_the_form(client: httpx.Client, as_of: str) -> None:
    """Digits of other scripts matched ``\\d``: then Python's own reader answered in its words
    ("Invalid isoformat string"), not the form a date is written in."""
    response = client.post("/v1/packs/wuhan/check", params={"as_of": as_of}, content=SITE)
    assert _code(response, 400) == "E702"
    assert "not a date (YYYY-MM-DD)" in response.json()["error"]["message"]


def test_as_of_written_yyyy_mm_dd_is_read(client: httpx.Client) -> None:
    response = client.post("/v1/packs/wuhan/check", params={"as_of": "2026-03-01"}, content=SITE)
    assert response.status_code == 200, response.text
    assert response.json()["reports"][0]["as_of"] == "2026-03-01"


def test_a_query_parameter_the_endpoint_does_not_take_is_refused(client: httpx.Client) -> None:
    """``asof`` for ``as_of`` was passed over: the subject was judged as of today (200)."""
    response = client.post("/v1/packs/wuhan/check?asof=2026-03-01", content=SITE)
    assert _code(response, 400) == "E702"
    message = response.json()["error"]["message"]
    assert "query.asof: the endpoint takes no such parameter" in message
    assert "did you mean 'as_of'?" in message
    assert response.json()["diagnostics"][0]["location"] == "query.asof"
    assert _code(client.get("/v1/packs", params={"lang": "en"}), 400) == "E702"


def test_a_single_valued_query_parameter_given_twice_is_refused(client: httpx.Client) -> None:
    """The last of two ``as_of`` was the one judged, whatever a proxy in front read; a
    parameter that takes several (``only``) may repeat."""
    twice = "/v1/packs/wuhan/check?as_of=2026-03-01&as_of=2026-03-22"
    response = client.post(twice, content=SITE)
    assert _code(response, 400) == "E702"
    assert "query.as_of: given 2 times; it takes one value" in response.json()["error"]["message"]
    only = "as_of=2026-03-22&only=website.police_filing&only=website.consultation_column"
    assert client.post(f"/v1/packs/wuhan/check?{only}", content=SITE).status_code == 200


def test_the_explorer_pages_take_any_query(client: httpx.Client) -> None:
    """A link to a page may carry a query (a campaign tag): the pages outside /v1 read none."""
    assert client.get("/?utm_source=mail").status_code == 200


@pytest.mark.parametrize(
    "method, path", [("GET", "/v1/packs/"), ("POST", "/v1/packs/wuhan/check/")]
)
def test_a_trailing_slash_is_no_endpoint_not_a_redirect(
    client: httpx.Client, method: str, path: str
) -> None:
    """A 307 to a location built from the Host header (http://evil.example.com/v1/packs)."""
    response = client.request(method, path, headers={"Host": "evil.example.com"}, content=SITE)
    assert _code(response, 404) == "E707"
    assert "location" not in response.headers


def test_a_batch_past_the_limit_is_refused_before_its_subjects_are_read(
    client: httpx.Client,
) -> None:
    """30,000 invalid subjects: 422 listing each of them, after seconds of work per request
    (the server went on for minutes after answering 503 at its timeout)."""
    body = "[" + ",".join(['{"kind": "website", "id": "x", "bogus": 1}'] * 30_000) + "]"
    response = client.post("/v1/packs/wuhan/check", content=body)
    assert _code(response, 413) == "E701"
    assert response.json()["error"]["message"].startswith("30000 subjects")


def test_a_body_of_too_many_values_is_refused_as_read(client: httpx.Client) -> None:
    """A subject of a million values was first built whole by the YAML reader (minutes of CPU
    and gigabytes) before it was refused."""
    body = '{"kind": "website", "id": "a", "x": [' + ",".join(["0"] * 1_000_001) + "]}"
    response = client.post("/v1/packs/wuhan/check", content=body)
    assert _code(response, 400) == "E004"


def test_a_client_that_hangs_up_is_no_internal_error(server: Server) -> None:
    """The server logged a ClientDisconnect as an internal error, status 500."""
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(
            b"POST /v1/packs/wuhan/check HTTP/1.1\r\nHost: x\r\nX-Request-ID: hung-up\r\n"
            + f"Authorization: Bearer {TOKEN}\r\n".encode()
            + b'Content-Length: 100\r\n\r\n{"kind": "website"'
        )
        time.sleep(0.5)
    deadline = time.monotonic() + 10
    while '"request_id": "hung-up"' not in server.log_text().replace('":"', '": "'):
        assert time.monotonic() < deadline, server.log_text()[-2000:]
        time.sleep(0.1)
    lines = [json.loads(x) for x in server.log_text().splitlines() if "hung-up" in x]
    assert [line.get("status") for line in lines if line.get("event") == "request"] == [499]
    assert all(line.get("level") != "error" for line in lines)


def test_many_diagnostics_are_rendered_only_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each diagnostic drew its caret from the whole body when the error was made: a body of
    30,000 bad subjects cost time growing with the square of its size, for carets the service
    never shows."""
    from egovrules.source import errors

    drawn: list[int] = []
    real = errors.render_caret
    monkeypatch.setattr(errors, "render_caret", lambda s, t: drawn.append(1) or real(s, t))
    text = "\n".join("x" for _ in range(1000))
    diagnostics = [Diagnostic("E300", "bad", Span("f", n, 1)) for n in range(1, 1001)]
    error = InputError(diagnostics, text)
    assert drawn == []
    assert str(error).count("error[E300]") == 1000


def test_the_fast_refusals_are_the_services_codes() -> None:
    """In process, the same two refusals: a long list (413) and too many values (400)."""
    pack = egovrules.load_pack("wuhan")
    with pytest.raises(ServiceError) as info:
        subjects_of_body(pack, ("[" + ",".join([SITE] * 21) + "]").encode(), most=MAX_BATCH)
    assert (info.value.status, info.value.code) == (413, "E701")
    many = ('{"kind": "website", "id": "a", "x": [' + ",".join(["0"] * 1_000_001) + "]}").encode()
    with pytest.raises(ServiceError) as info:
        subjects_of_body(pack, many, most=MAX_BATCH)
    assert info.value.status == 400
