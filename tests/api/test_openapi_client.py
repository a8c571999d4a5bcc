"""The published schema is good enough to generate a working Python client from."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_documents_the_error_shape(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "GovMall API"
    assert "/api/v1/calendar/deadline" in schema["paths"]
    assert "ErrorOut" in schema["components"]["schemas"]


def test_docs_page_uses_local_assets_only(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_generated_client_imports(client, tmp_path: Path):
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(client.get("/api/v1/openapi.json").json()))
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "project_name_override": "govmall-client",
                "package_name_override": "govmall_client",
                "post_hooks": [],
            }
        )
    )
    tool = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(tool),
            "generate",
            "--path",
            str(schema_file),
            "--config",
            str(config),
            "--output-path",
            str(tmp_path / "govmall_client"),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module("govmall_client")
        client_module = importlib.import_module("govmall_client.client")
        api_client = client_module.AuthenticatedClient(base_url="http://testserver", token="x")
        deadline = importlib.import_module("govmall_client.api.calendar")
        assert package.Client and api_client.token == "x" and deadline
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("govmall_client")]:
            del sys.modules[name]
