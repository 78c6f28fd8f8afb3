"""Schema-as-data: every schema loads, references hold, aliases map."""

from __future__ import annotations

import pytest

from carbonledger.errors import SchemaError
from carbonledger.schema import ActivitySchema, get_schema, schema_kinds


@pytest.mark.parametrize("kind", schema_kinds())
def test_every_schema_loads_and_is_consistent(kind):
    schema = get_schema(kind)
    assert schema.kind == kind
    assert set(schema.primary_key) <= set(schema.column_names)
    assert schema.title["en"] and schema.title["zh"]
    assert all(c.description for c in schema.columns), "every column is documented"


def test_aliases_map_to_canonical_names():
    mapping = get_schema("electricity").header_map()
    assert mapping["用电量"] == "quantity"
    assert mapping["record_id"] == "record_id"
    assert mapping["site_id"] == "facility_id"


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(SchemaError, match="electricity"):
        get_schema("teleportation")


def test_schema_rejects_reference_to_missing_column():
    with pytest.raises(ValueError, match="unknown columns"):
        ActivitySchema.model_validate(
            {
                "kind": "x",
                "title": {"en": "x", "zh": "x"},
                "description": "x",
                "primary_key": ["id"],
                "columns": [{"name": "a", "type": "string"}],
            }
        )
