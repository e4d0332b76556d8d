"""Build a wheel with many files, whose install takes pip seconds of silent file copying: the window in which
a killed heal used to leave its installer running behind a rollback (reliability finding F7)."""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile


def build(directory: str, name: str = "termcolor", version: str = "99.0.0", files: int = 20000) -> str:
    """Write <name>-<version>-py3-none-any.whl into directory; its path. The package's modules come first
    in the archive and the .dist-info last, as pip installs them in archive order."""
    dist_info = f"{name}-{version}.dist-info"
    path = os.path.join(directory, f"{name}-{version}-py3-none-any.whl")
    record: list[str] = []

    def add(zf: zipfile.ZipFile, arcname: str, data: bytes) -> None:
        zf.writestr(arcname, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arcname},sha256={digest},{len(data)}")

    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        add(zf, f"{name}/__init__.py", b"def colored(text, *args, **kwargs):\n    return text\n")
        for i in range(files):
            add(zf, f"{name}/data/m{i // 1000:03d}/f{i:06d}.txt", b"x" * 64 + b"%d\n" % i)
        add(zf, f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode())
        add(zf, f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: heal-tests\nRoot-Is-Purelib: true\n"
                                      b"Tag: py3-none-any\n")
        record.append(f"{dist_info}/RECORD,,")
        zf.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return path
