"""Backup and restore: the whole database and every media file in one archive.

The archive is a gzipped tar: the database (``pg_dump`` custom format, or a SQLite copy made with SQLite's
backup API), the media files under ``media/`` and a ``manifest.json`` with every member's SHA-256. Nothing here
knows the project's models: the files the database names are found through every model's ``FileField``.

Consistency: the database is copied first, from one snapshot, and the media afterwards. Files are written
before the row that names them commits and are not deleted while named, so every file the copied database names
is still in storage when the media are read; the few that are not (a crash at the wrong moment) are listed in
the manifest as ``missing_media``.
"""

import datetime
import hashlib
import io
import json
import os
import posixpath
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.postgresql.client import DatabaseClient

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1 << 20


class BackupError(Exception):
    """Backup or restore cannot go on; the message says why, for the operator."""


def backup_create(*, output: Path) -> dict:
    """Write the archive to ``output`` (through a temporary name, so a failure leaves no half archive)."""
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent} is not a folder.")
    partial = output.with_name(f".{output.name}.partial")
    try:
        manifest = _write_archive(partial, vendor)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    return manifest


def _write_archive(path: Path, vendor: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / DATABASE_MEMBER[vendor]
        named = _dump_postgresql(dump) if vendor == "postgresql" else _dump_sqlite(dump)
        with tarfile.open(path, "w:gz") as archive:
            with dump.open("rb") as source:
                database_sha256 = _add(archive, dump.name, source, dump.stat().st_size)
            media = {}
            for name in _storage_names():
                try:
                    with default_storage.open(name, "rb") as source:
                        media[name] = _add(archive, MEDIA + name, source, default_storage.size(name))
                except FileNotFoundError:  # removed since it was listed: not part of the snapshot
                    continue
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": {"vendor": vendor, "member": dump.name, "sha256": database_sha256},
                "media": media,
                "missing_media": sorted(named - media.keys()),
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            _add(archive, MANIFEST, io.BytesIO(data), len(data))
    return manifest


def backup_restore(*, archive_path: Path) -> dict:
    """Restore an archive into an empty database and a storage that holds none of its files."""
    manifest = _verified_manifest(archive_path)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup holds a {vendor} database; DATABASE_URL names a {connection.vendor} one."
        )
    if tables := connection.introspection.table_names():
        raise BackupError(
            f"The database is not empty ({len(tables)} tables): restore into a newly created, empty database."
        )
    if present := [name for name in manifest["media"] if default_storage.exists(name)]:
        raise BackupError(
            f"Media storage already holds {len(present)} of the backup's files, e.g. {present[0]}."
        )
    with tempfile.TemporaryDirectory() as folder, tarfile.open(archive_path, "r|gz") as archive:
        for member in archive:
            if member.name == manifest["database"]["member"]:
                dump = Path(folder) / member.name
                with archive.extractfile(member) as source, dump.open("wb") as target:
                    _copy(source, target)
                _restore_postgresql(dump) if vendor == "postgresql" else _restore_sqlite(dump)
            elif member.name.startswith(MEDIA) and member.name[len(MEDIA) :] in manifest["media"]:
                name = member.name[len(MEDIA) :]
                with archive.extractfile(member) as source:
                    saved = default_storage.save(name, File(source, name=posixpath.basename(name)))
                if saved != name:
                    raise BackupError(f"Storage saved {name} as {saved}; restore into an empty storage.")
    return manifest


# --- Archive --------------------------------------------------------------------------------------------------


class _Hashing:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, source, size: int) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(datetime.datetime.now().timestamp())
    reader = _Hashing(source)
    archive.addfile(info, reader)
    return reader.sha256.hexdigest()


def _copy(source, target) -> None:
    while chunk := source.read(CHUNK):
        target.write(chunk)


def _sha256(source) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _verified_manifest(archive_path: Path) -> dict:
    """Read the whole archive once, in order, before anything is written: every member must match its SHA-256."""
    hashes, manifest = {}, None
    try:
        with tarfile.open(archive_path, "r|gz") as archive:
            for member in archive:
                source = archive.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.load(source)
                elif source is not None:
                    hashes[member.name] = _sha256(source)
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BackupError(f"{archive_path} is not a readable backup: {error}") from error
    if manifest is None or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path} is not a backup of this format ({FORMAT}).")
    expected = {MEDIA + name: sha256 for name, sha256 in manifest["media"].items()}
    expected[manifest["database"]["member"]] = manifest["database"]["sha256"]
    for name, sha256 in expected.items():
        if name.startswith(MEDIA + "/") or ".." in name.split("/"):
            raise BackupError(f"Refusing the path {name!r}.")
        if name not in hashes:
            raise BackupError(f"The archive lacks {name}, which its manifest lists.")
        if hashes[name] != sha256:
            raise BackupError(f"{name} is damaged: its SHA-256 differs from the manifest.")
    return manifest


# --- Media ----------------------------------------------------------------------------------------------------


def _storage_names(folder: str = "") -> Iterator[str]:
    """Every file in the default storage (local folder or object storage alike)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a media folder nothing was ever written to
        return
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        yield from _storage_names(posixpath.join(folder, name))


def _named_files(cursor, quote) -> set[str]:
    """The file names every model's FileField holds in the copied database."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                column, table = quote(field.column), quote(model._meta.db_table)
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608 - quoted names
                names.update(row[0] for row in cursor.fetchall())
    return names


# --- Databases ------------------------------------------------------------------------------------------------


def _run(command: list[str], env: dict) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is missing: install the Debian package postgresql-client."
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error


def _postgresql_env(settings_dict: dict) -> dict:
    """libpq's environment for the database Django uses (password and TLS options included)."""
    _args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(env or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _dump_postgresql(path: Path) -> set[str]:
    """pg_dump of one exported snapshot; the file names are read from that same snapshot."""
    snapshot_holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        snapshot_holder.ensure_connection()
        snapshot_holder.set_autocommit(False)
        with snapshot_holder.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            command = [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
            ]
            _run([*command, f"--file={path}"], env=_postgresql_env(snapshot_holder.settings_dict))
            named = _named_files(cursor, snapshot_holder.ops.quote_name)
        snapshot_holder.rollback()
    finally:
        snapshot_holder.close()
    return named


def _restore_postgresql(path: Path) -> None:
    # One transaction: a failure leaves the database as empty as it was.
    command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    settings_dict = connection.settings_dict
    connection.close()
    _run([*command, f"--dbname={settings_dict['NAME']}", str(path)], env=_postgresql_env(settings_dict))


def _dump_sqlite(path: Path) -> set[str]:
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        # SQLite's online backup copies a consistent state even while other processes write.
        connection.connection.backup(copy)
        named = _named_files(copy.cursor(), connection.ops.quote_name)
    finally:
        copy.close()
    return named


def _restore_sqlite(path: Path) -> None:
    target_name = connection.settings_dict["NAME"]
    connection.close()
    source, target = sqlite3.connect(path), sqlite3.connect(target_name)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
