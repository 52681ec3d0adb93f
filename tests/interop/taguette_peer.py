"""The real Taguette, for the interop tests: installed, run on 127.0.0.1, driven over HTTP.

    taguette = find_taguette()              # .peers/taguette/bin/taguette, installed if missing
    with TaguetteServer(taguette, folder) as server:
        client = Taguette(server)
        project = client.new_project("Study")
        ...

:func:`find_taguette` uses ``$WORKBENCH_TAGUETTE`` (a ``taguette`` executable), else the one in
``.peers/taguette/`` of the checkout (gitignored), which it makes with ``python -m venv`` and
``pip install taguette==1.5.2`` when missing; ``None`` (and why) when that fails, offline.

Taguette converts an uploaded ``.txt`` with Calibre (``ebook-convert``); where Calibre is not
installed, :meth:`Taguette.add_text` uploads the text as HTML with a ``<p>`` per line, as
Calibre makes it, which Taguette reads without Calibre.

:func:`make_fixture` builds the small study of :data:`FIXTURE` in Taguette and saves its own
exports (project ``.sqlite3``, highlights and codebook CSV) with ``expected.json``: each
highlight's byte offsets found by BeautifulSoup in Taguette's own environment, and the text
it covers. The committed files in ``tests/fixtures/taguette/`` were made so.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

from workbench.io.taguette.html import HtmlText

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / ".peers"
TAGUETTE_VERSION = "1.5.2"


# --------------------------------------------------------------------------- installing
def find_taguette(*, install: bool = True) -> tuple[Path | None, str]:
    """A ``taguette`` executable and "", or ``None`` and why there is none."""
    given = os.environ.get("WORKBENCH_TAGUETTE")
    if given:
        return (Path(given), "") if Path(given).exists() else (None, f"{given} does not exist")
    venv = PEERS / "taguette"
    exe = venv / "bin" / "taguette"
    if exe.exists():
        return exe, ""
    if not install:
        return None, f"no Taguette in {venv}"
    PEERS.mkdir(exist_ok=True)
    log = PEERS / "taguette-install.log"
    steps = [[sys.executable, "-m", "venv", "--clear", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
              "-q", f"taguette=={TAGUETTE_VERSION}"]]
    with log.open("w", encoding="utf-8") as out:
        for step in steps:
            try:
                done = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT, timeout=600,
                                      stdin=subprocess.DEVNULL)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return None, f"could not install Taguette: {exc}"
            if done.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                tail = log.read_text(encoding="utf-8", errors="replace").strip()[-300:]
                return None, f"could not install Taguette (offline?): {tail}"
    return (exe, "") if exe.exists() else (None, "pip installed no taguette executable")


def taguette_python(executable: Path) -> Path:
    """The Python of the environment ``executable`` belongs to."""
    return executable.parent / "python"


# --------------------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TaguetteServer:
    """``taguette --no-browser`` on 127.0.0.1 with its own database in ``folder``."""

    def __init__(self, executable: Path, folder: Path) -> None:
        self.executable = executable
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = ""
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> TaguetteServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        log_path = self.folder / "server.log"
        with log_path.open("w") as log:
            self.proc = subprocess.Popen(
                [str(self.executable), "--no-browser", "--bind", "127.0.0.1", "--port",
                 str(self.port), "--database", str(self.folder / "taguette.sqlite3")],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, "HOME": str(self.folder), "LANG": "C.UTF-8"})
        end = time.monotonic() + 60
        while time.monotonic() < end:
            text = log_path.read_text(errors="replace")
            found = re.search(r"\?token=([0-9a-f]+)", text)
            if found:
                self.token = found.group(1)
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"taguette stopped:\n{text[-2000:]}")
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("taguette did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --------------------------------------------------------------------------- the client
class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str, str]] = []  # (name, value, type)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            a = dict(attrs)
            if a.get("name"):
                self.fields.append((a["name"], a.get("value") or "", a.get("type") or "text"))


class Taguette:
    """A logged-in session with a :class:`TaguetteServer`, as a browser has one."""

    def __init__(self, server: TaguetteServer) -> None:
        self.url = server.url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.get(f"/?token={server.token}")
        self.get("/project/new")  # a page with a form: sets the _xsrf cookie

    def xsrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "_xsrf"), "")

    def request(self, path: str, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[bytes, str]:
        req = urllib.request.Request(self.url + path, data=data, headers=headers or {})
        with self.opener.open(req, timeout=180) as resp:
            return resp.read(), resp.geturl()

    def get(self, path: str) -> bytes:
        return self.request(path)[0]

    def post_json(self, path: str, obj: dict) -> dict:
        body, _ = self.request(path, json.dumps(obj).encode(),
                               {"Content-Type": "application/json", "X-XSRFToken": self.xsrf()})
        return json.loads(body or b"{}")

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> tuple[bytes, str]:
        data = urllib.parse.urlencode([*fields, ("_xsrf", self.xsrf())]).encode()
        return self.request(path, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(self, path: str, fields: dict[str, str], name: str, data: bytes,
                  content_type: str) -> bytes:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode()
                 + v.encode() + b"\r\n" for k, v in {**fields, "_xsrf": self.xsrf()}.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{urllib.parse.quote(name)}"\r\nContent-Type: {content_type}'
                     '\r\n\r\n'.encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(path, b"".join(parts),
                            {"Content-Type": f"multipart/form-data; boundary={boundary}",
                             "X-XSRFToken": self.xsrf()})[0]

    # -- Taguette's own operations ---------------------------------------------------------
    def new_project(self, name: str, description: str = "") -> int:
        _, url = self.post_form("/project/new", [("name", name), ("description", description)])
        return int(re.search(r"/project/(\d+)", url).group(1))

    def add_document(self, project: int, name: str, filename: str, data: bytes,
                     description: str = "") -> int:
        body = self.post_file(f"/api/project/{project}/document/new",
                              {"name": name, "description": description}, filename, data,
                              "application/octet-stream")
        return json.loads(body)["created"]

    def add_text(self, project: int, name: str, text: str, description: str = "") -> int:
        """Upload ``text`` as a .txt file (through Calibre) where Calibre is installed, else as
        the HTML Calibre makes of it. Either names its encoding (a BOM, a ``<meta charset>``):
        without, Taguette may read UTF-8 as Windows-1252."""
        if shutil.which("ebook-convert"):
            return self.add_document(project, name, f"{name}.txt",
                                     b"\xef\xbb\xbf" + text.encode("utf-8"), description)
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        body = "\n".join(f"<p>{html.escape(line, quote=False) if line.strip() else '&nbsp;'}</p>"
                         for line in lines)
        page = f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'
        return self.add_document(project, name, f"{name}.html", page.encode("utf-8"),
                                 description)

    def contents(self, project: int, document: int) -> str:
        data = json.loads(self.get(f"/api/project/{project}/document/{document}/contents"))
        return "".join(chunk["contents"] for chunk in data["contents"])

    def tags(self, project: int) -> dict[str, int]:
        """Tag path -> id (from the project page, as Taguette's script reads them)."""
        page = self.get(f"/project/{project}").decode("utf-8")
        found = re.search(r"var tags = (\{.*?\});\n", page)
        return {t["path"]: t["id"] for t in json.loads(found.group(1)).values()} if found else {}

    def add_tag(self, project: int, path: str, description: str = "") -> int:
        return self.post_json(f"/api/project/{project}/tag/new",
                              {"path": path, "description": description})["id"]

    def add_highlight(self, project: int, document: int, start: int, end: int,
                      tags: list[int]) -> int:
        return self.post_json(f"/api/project/{project}/document/{document}/highlight/new",
                              {"start_offset": start, "end_offset": end, "tags": tags})["id"]

    def import_codebook(self, project: int, name: str, data: bytes) -> None:
        """Taguette's "Import codebook": upload, then confirm every tag as a browser does (a
        text input's value keeps no line breaks in a browser)."""
        page = self.post_file(f"/project/{project}/import_codebook", {}, name, data,
                              "text/csv").decode("utf-8")
        parser = _Inputs()
        parser.feed(page)
        fields = []
        for field, value, kind in parser.fields:
            if field == "_xsrf" or kind in ("submit",):
                continue
            if kind == "checkbox":
                if field.endswith("-import"):
                    fields.append((field, "on"))
                continue
            if kind == "text":
                value = value.replace("\r", "").replace("\n", "")
            fields.append((field, value))
        if not any(f.endswith("-path") for f, _ in fields):
            raise RuntimeError(f"Taguette refused the codebook:\n{page[-1500:]}")
        self.post_form(f"/project/{project}/import_codebook", fields)

    def export(self, project: int, what: str) -> bytes:
        """``project.sqlite3``, ``highlights/.csv`` (every highlight), ``codebook.csv``, ..."""
        return self.get(f"/project/{project}/export/{what}")


# --------------------------------------------------------------------------- the fixture
#: a small made-up study: documents (text, description), tags (path, description) and
#: highlights (document, the exact text, its occurrence, tag paths)
FIXTURE = {
    "project": ("Fixture study", "Made-up texts for the importer's tests.\nSecond line."),
    "documents": [
        ("Interview A", "Interviewer: How did you start?\n"
         "Respondent: A friend brought me 🙂 to a film night. We sat on the floor of a flat in "
         "the microdistricts until two in the morning, and nobody left after the film.\n"
         "\n"
         "Interviewer: And then?\n"
         "Respondent: Then the chat 🌈🌈, the café, everything. I did not say anything that "
         "first night; I listened, and the next week I came back with my sister, who laughed "
         "at me the whole way there and then stayed longer than I did.\n"
         "Interviewer: Thank you.\n",
         "First interview; café & chat."),
        ("Интервью Б", "Интервью Б.\n"
         "\n"
         "Интервьюер: Как?\n"
         "Респондент: Через подругу. Қарындас, говорит, приходи 👍. Я пришла, и там сидели "
         "человек пятнадцать, пили чай и спорили о том, кого звать на следующую встречу.\n"
         "Интервьюер: А потом?\n"
         "Респондент: Потом — чат в телеграме. Там было человек двести со всего Казахстана, "
         "и я впервые увидела, что нас много.\n",
         ""),
    ],
    "tags": [
        ("Networks.Friends", "A friend brought them.\n\nInclusion: a named friend\n"
         "Exclusion: organisations"),
        ("Networks.Online", "Критерии включения: чаты и группы\nПример: «чат в телеграме»"),
        ("Emotion", ""),
    ],
    "highlights": [
        ("Interview A", "A friend brought me 🙂 to a film night.", 1, ["Networks.Friends"]),
        ("Interview A", "🙂", 1, ["Emotion"]),
        ("Interview A", "the chat 🌈🌈, the café", 1, ["Networks.Online", "Emotion"]),
        ("Interview A", "nobody left after the film.\n\nInterviewer: And then?\nRespondent: Then",
         1, ["Networks.Friends"]),
        ("Интервью Б", "Через подругу. Қарындас", 1, ["Networks.Friends"]),
        ("Интервью Б", "приходи 👍", 1, ["Emotion"]),
        ("Интервью Б", "чат в телеграме", 1, ["Networks.Online"]),
        ("Интервью Б", "Респондент", 2, []),
    ],
}

#: run in Taguette's own environment: the byte offsets of each wanted text in a document's
#: text content, as Taguette's highlights count them (html5lib's tree, as Taguette parses)
_OFFSETS = r"""
import json, re, sys
from bs4 import BeautifulSoup
wanted = json.load(sys.stdin)
out = []
for html, pieces in wanted:
    content = BeautifulSoup(html, "html5lib").get_text()
    spans = []
    for piece, occurrence in pieces:
        pattern = r"\s+".join(re.escape(w) for w in piece.split())
        found = list(re.finditer(pattern, content))[occurrence - 1]
        spans.append([len(content[:found.start()].encode()), len(content[:found.end()].encode())])
    out.append(spans)
print(json.dumps(out))
"""


def make_fixture(client: Taguette, executable: Path, out: Path) -> dict:
    """Build :data:`FIXTURE` in Taguette; save its exports and ``expected.json`` in ``out``."""
    name, description = FIXTURE["project"]
    project = client.new_project(name, description)
    docs = {n: client.add_text(project, n, text, desc) for n, text, desc in FIXTURE["documents"]}
    tags = {path: client.add_tag(project, path, desc) for path, desc in FIXTURE["tags"]}
    contents = {n: client.contents(project, d) for n, d in docs.items()}
    shown = {n: HtmlText(c).text for n, c in contents.items()}
    if shown != {n: t for n, t, _ in FIXTURE["documents"]}:
        # Calibre guesses a text file's paragraphs: it joins the lines of hard-wrapped text
        raise RuntimeError(f"Taguette changed the texts: {shown!r}")
    wanted = [[contents[n], [[piece, occ] for doc, piece, occ, _ in FIXTURE["highlights"]
                             if doc == n]] for n in docs]
    done = subprocess.run([str(taguette_python(executable)), "-c", _OFFSETS],
                          input=json.dumps(wanted), capture_output=True, text=True, check=True)
    offsets = dict(zip(docs, json.loads(done.stdout), strict=True))
    expected = []
    seen: dict[str, int] = {}
    for doc, piece, _, paths in FIXTURE["highlights"]:
        k = seen.get(doc, 0)
        seen[doc] = k + 1
        start, end = offsets[doc][k]
        client.add_highlight(project, docs[doc], start, end, [tags[p] for p in paths])
        expected.append({"document": doc, "text": piece, "tags": paths,
                         "start_offset": start, "end_offset": end})
    out.mkdir(parents=True, exist_ok=True)
    (out / "project.sqlite3").write_bytes(client.export(project, "project.sqlite3"))
    (out / "highlights.csv").write_bytes(client.export(project, "highlights/.csv"))
    (out / "codebook.csv").write_bytes(client.export(project, "codebook.csv"))
    result = {"taguette": TAGUETTE_VERSION, "highlights": expected,
              "documents": {n: t for n, t, _ in FIXTURE["documents"]}}
    (out / "expected.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    return result
