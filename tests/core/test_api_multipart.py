"""A multipart body that cannot be parsed is the client's error (400 in the one shape), not 500."""

import pytest

from tests.factories import regional_operator_admin
from tests.permissions import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/catalog/categories/import",
        "/api/v1/catalog/images",
        "/api/v1/pricing/references/csv",
    ],
)
def test_multipart_without_boundary_is_a_400(path):
    client = client_for(regional_operator_admin())
    response = client.post(path, data=b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_multipart"
