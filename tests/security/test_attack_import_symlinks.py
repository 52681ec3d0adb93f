"""A received folder of transcripts holding ``interview-07.txt -> ~/.ssh/id_ed25519``: a link to
a file outside its own folder is refused, naming the target, unless ``--follow-symlinks``."""

from __future__ import annotations

import pytest
from fault_support import one_error

from workbench.core.project import Project

pytestmark = pytest.mark.timeout(60)

SECRET = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n"


@pytest.fixture
def received(tmp_path):
    """A folder from a colleague: one transcript, one link into the user's home."""
    home = tmp_path / "home" / ".ssh"
    home.mkdir(parents=True)
    (home / "id_ed25519").write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "received"
    folder.mkdir()
    (folder / "interview-06.txt").write_text("Respondent 6: yes.\n", encoding="utf-8")
    (folder / "interview-07.txt").symlink_to(home / "id_ed25519")
    return folder


def texts(project_file):
    return [d.text for d in Project.open(project_file).documents.all()]


def test_a_link_out_of_its_folder_is_refused_naming_its_target(project_file, cli, received):
    before = project_file.read_bytes()
    one_error(*cli("import", project_file, *sorted(received.iterdir())),
              "interview-07.txt", "id_ed25519", "--follow-symlinks")
    assert project_file.read_bytes() == before  # nothing of the batch was imported


def test_a_refi_file_linked_from_elsewhere_is_refused_too(project_file, cli, tmp_path, received):
    (received / "project.qdpx").symlink_to(tmp_path / "home" / "other.qdpx")
    one_error(*cli("import", project_file, received / "project.qdpx"), "project.qdpx",
              "other.qdpx")


def test_follow_symlinks_imports_the_target(project_file, cli, received):
    status, _, err = cli("import", project_file, received / "interview-07.txt",
                         "--follow-symlinks")
    assert status == 0, err
    assert SECRET.strip() in "\n".join(texts(project_file))


def test_a_link_within_the_folder_is_imported(project_file, cli, received):
    sub = received / "originals"
    sub.mkdir()
    (sub / "interview-08.txt").write_text("Respondent 8: no.\n", encoding="utf-8")
    (received / "interview-08.txt").symlink_to(sub / "interview-08.txt")
    status, _, err = cli("import", project_file, received / "interview-08.txt")
    assert status == 0, err
    assert "Respondent 8: no.\n" in texts(project_file)
