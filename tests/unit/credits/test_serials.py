"""Serial ranges in the registries' published formats (the examples of each format, as
listed by Cloverly's "Registry serial number ranges" help page for Verra, ACR and CAR)."""

from __future__ import annotations

import pytest

from carbonledger.credits import SerialError, parse_serial, serial_formats


@pytest.mark.parametrize("registry", sorted(serial_formats()))
def test_each_format_reads_its_published_example(registry):
    spec = serial_formats()[registry]
    block = parse_serial(spec["example"])
    assert block.registry == registry
    assert block.quantity == spec["example_count"]
    assert block.serial == spec["example"]  # written back as the registry writes it


def test_verra_fields_vintage_and_padding():
    block = parse_serial("0001-000001-000100-VCS-VCU-003-VER-US-0003-01012020-31122020-1")
    fields = dict(block.issuance)
    assert fields["country"] == "US" and fields["project"] == "0003" and fields["label"] == "1"
    assert block.vintage == 2020
    first, rest = block.split(40)
    assert first.serial == "0001-000001-000040-VCS-VCU-003-VER-US-0003-01012020-31122020-1"
    assert rest.serial == "0001-000041-000100-VCS-VCU-003-VER-US-0003-01012020-31122020-1"
    assert first.quantity + rest.quantity == block.quantity
    assert not first.overlaps(rest) and first.overlaps(block)


def test_verra_long_form_with_a_sectoral_scope():
    block = parse_serial("9344-85361734-85366733-VCS-VCU-263-VER-KH-14-1748-01012019-31122019-1")
    fields = dict(block.issuance)
    assert (fields["scope"], fields["project"], block.vintage) == ("14", "1748", 2019)
    assert block.quantity == 85366733 - 85361734 + 1


def test_acr_and_car():
    acr = parse_serial("ACR-US-192-2010-203-1-5000")
    assert (acr.registry, acr.vintage, acr.quantity) == ("acr", 2010, 5000)
    car = parse_serial("CAR-1-US-293-1-120-CA-2006-102-1 to 29251", "car")
    assert car.vintage == 2006 and car.quantity == 29251
    _a, b = car.split(29250)
    assert b.serial == "CAR-1-US-293-1-120-CA-2006-102-29251 to 29251"


def test_bad_serials_are_refused_with_the_formats_shown():
    with pytest.raises(SerialError, match=r"in no known format.*verra: 0001-"):
        parse_serial("VCS-12345")
    with pytest.raises(SerialError, match=r"ends .* before it starts"):
        parse_serial("ACR-US-192-2010-203-50-1")
    with pytest.raises(SerialError, match="no serial format for registry 'gold'"):
        parse_serial("ACR-US-192-2010-203-1-5000", "gold")
    block = parse_serial("ACR-US-192-2010-203-1-5000")
    for quantity in (0, 5000, 6000):
        with pytest.raises(SerialError, match="cannot split"):
            block.split(quantity)
    other_issuance = parse_serial("ACR-US-192-2011-203-1-5000")
    assert not block.overlaps(other_issuance)
