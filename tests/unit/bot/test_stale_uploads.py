"""A bot starting removes what killed bots left in the temporary folder, and nothing else."""

import os

from cepf_bot.bot.upload import remove_stale_uploads


def test_only_a_gone_bots_download_folders_are_removed(tmp_path):
    gone = tmp_path / "cepf-upload-999999999-abcd"  # a killed bot's (no such process)
    alive = tmp_path / f"cepf-upload-{os.getpid()}-efgh"  # a running bot's
    foreign = tmp_path / "cepf-upload-run-x1y2"  # a script's own folder (attack 20's was)
    for folder in (gone, alive, foreign):
        folder.mkdir()
        (folder / "a.md").write_text("# x\n", "utf-8")
    assert remove_stale_uploads(tmp_path) == 1
    assert not gone.exists() and alive.exists() and (foreign / "a.md").exists()
