"""QualCoder's own REFI-QDA import and export, headless: run with QualCoder's Python.

    python tests/interop/qualcoder_peer.py import FILE.qdpx PROJECT.qda  # a new QualCoder project
    python tests/interop/qualcoder_peer.py export PROJECT.qda OUT.qdpx   # its project export
    python tests/interop/qualcoder_peer.py dump PROJECT.qda              # what it holds, as JSON

``$WORKBENCH_QUALCODER`` is the ``src`` folder of a QualCoder checkout (its Python needs PyQt6,
Pillow, PyMuPDF and qtawesome from the package registry). QualCoder runs offscreen
(``QT_QPA_PLATFORM=offscreen``) through its own ``qualcoder.refi.RefiImport`` and
``RefiExport``: the project database is made with the CREATE TABLE statements of its
``MainWindow.new_project`` (read from its source) and ``App.update_coder_names``; the file
dialogs answer with the paths given and message boxes are recorded, not shown. Two of its
imports are stood in for, as REFI-QDA text exchange uses neither: QtMultimedia (it needs a
sound server) and the AI module (langchain, openai).
"""
import ast
import builtins
import json
import os
import sqlite3
import sys
import types
from pathlib import Path

QC_SRC = Path(os.environ.get("WORKBENCH_QUALCODER", "QualCoder/src")).resolve()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(QC_SRC))
builtins._ = lambda s: s
for name in ("PyQt6.QtMultimedia", "PyQt6.QtMultimediaWidgets"):
    stub = types.ModuleType(name)
    stub.__getattr__ = lambda attr: object
    sys.modules[name] = stub
# app.py imports the AI stack (langchain, openai...) at module level; refi needs none of it
ai = types.ModuleType("qualcoder.ai_llm")
ai.get_default_ai_models = lambda *a, **k: []
ai.update_ai_models = lambda *a, **k: []
sys.modules["qualcoder.ai_llm"] = ai

from PyQt6 import QtWidgets  # noqa: E402

QAPP = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])

_stdout, sys.stdout = sys.stdout, sys.stderr  # QualCoder prints while importing
from qualcoder import refi  # noqa: E402
from qualcoder.app import App  # noqa: E402

sys.stdout = _stdout

MESSAGES: list[str] = []


class RecordedMessage:
    """Stands in for QualCoder's message box: records what it would show."""

    def __init__(self, app, title, text, *args, **kwargs) -> None:
        MESSAGES.append(f"{title}: {text}")

    def exec(self) -> int:
        return 0


refi.Message = RecordedMessage
refi.RefiLineEndings.exec = lambda self: 0  # keep the default: LF line endings


def schema() -> list[str]:
    """QualCoder's CREATE TABLE statements, from MainWindow.new_project."""
    tree = ast.parse((QC_SRC / "qualcoder" / "__main__.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "new_project":
            return [c.args[0].value for c in ast.walk(node)
                    if isinstance(c, ast.Call) and c.args and isinstance(c.args[0], ast.Constant)
                    and isinstance(c.args[0].value, str)
                    and c.args[0].value.startswith("CREATE TABLE")]
    raise SystemExit("new_project not found in QualCoder's source")


class Log:
    """Stands in for the text pane QualCoder writes its progress to."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def append(self, text: object) -> None:
        self.lines.append(str(text))


class QualCoderApp:
    """The parts of ``qualcoder.app.App`` the REFI-QDA code uses (its methods borrowed)."""

    update_coder_names = App.update_coder_names
    get_annotations = App.get_annotations
    get_last_project_coder = App.get_last_project_coder

    def __init__(self, project: Path, *, create: bool):
        self.project_path = str(project)
        self.project_name = project.name
        self.version = "QualCoder 4.0 Beta"  # as App says in QualCoder's master, c3204641
        self.settings = {"directory": str(project.parent), "codername": "default",
                         "ai_enable": "False", "fontsize": 10, "font": "Noto Sans"}
        self.ai_models = []
        if create:
            project.mkdir(parents=True)
            for sub in ("images", "audio", "video", "documents"):
                (project / sub).mkdir()
        self.conn = sqlite3.connect(project / "data.qda")
        if create:
            cur = self.conn.cursor()
            for sql in schema():
                cur.execute(sql)
            self.update_coder_names()
            cur.execute("INSERT INTO project VALUES(?,?,?,?,?,?,?,?,null,null,null)",
                        ("v17", "2026-01-01 00:00:00", "", self.version, 0, 0, "default", ""))
            self.conn.commit()

    def write_config_ini(self, *args, **kwargs) -> None:
        """QualCoder saves its settings here; a run leaves none behind."""


def do_import(qdpx: Path, project: Path) -> None:
    app = QualCoderApp(project, create=True)
    QtWidgets.QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(qdpx), "x"))
    log = Log()
    refi.RefiImport(app, log, "qdpx")
    app.conn.commit()
    (project / "import-log.txt").write_text("\n".join(log.lines + MESSAGES), encoding="utf-8")


def do_export(project: Path, out: Path) -> None:
    app = QualCoderApp(project, create=False)
    (Path.home() / ".qualcoder").mkdir(exist_ok=True)  # QualCoder's App makes it at start
    outdir = out.parent
    QtWidgets.QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: str(outdir))
    log = Log()
    refi.RefiExport(app, log, "project")
    made = outdir / (project.name[:-4] + ".qdpx")
    made.replace(out)


#: what :func:`dump` reads: key -> (columns, table)
TABLES = {
    "sources": (("id", "name", "fulltext", "memo"), "source"),
    "codes": (("cid", "name", "memo", "catid", "color", "supercid"), "code_name"),
    "categories": (("catid", "name", "memo", "supercatid"), "code_cat"),
    "codings": (("cid", "fid", "seltext", "pos0", "pos1", "owner", "memo"), "code_text"),
    "cases": (("caseid", "name", "memo"), "cases"),
    "case_text": (("caseid", "fid", "pos0", "pos1"), "case_text"),
    "attributes": (("name", "attr_type", "value", "id"), "attribute"),
    "journals": (("name", "jentry"), "journal"),
    "annotations": (("fid", "pos0", "pos1", "memo"), "annotation"),
}


def dump(project: Path) -> dict:
    """What a QualCoder project holds, table by table (memos as "" when empty)."""
    conn = sqlite3.connect(project / "data.qda")
    out: dict = {}
    for key, (columns, table) in TABLES.items():
        select = ", ".join(f"ifnull({c}, '')" if c in ("memo", "jentry") else c for c in columns)
        rows = conn.execute(f"select {select} from {table}").fetchall()
        out[key] = [dict(zip(columns, row, strict=True)) for row in rows]
    out["project_memo"] = conn.execute("select ifnull(memo, '') from project").fetchone()[0]
    return out


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "import":
        do_import(Path(args[0]).resolve(), Path(args[1]).resolve())
    elif cmd == "export":
        do_export(Path(args[0]).resolve(), Path(args[1]).resolve())
    elif cmd == "dump":
        print(json.dumps(dump(Path(args[0]).resolve()), ensure_ascii=False, indent=1))
    else:
        raise SystemExit(__doc__)
