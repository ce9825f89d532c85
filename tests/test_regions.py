from django.core.management import call_command

from events.models import Province, Regency


def test_the_migration_loads_every_province_and_regency(db):
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert Regency.objects.filter(kind=Regency.Kind.KABUPATEN).count() == 416
    assert Regency.objects.filter(kind=Regency.Kind.KOTA).count() == 98


def test_regions_carry_kemendagri_codes(db):
    oku = Regency.objects.get(code="16.01")
    assert oku.name == "Kabupaten Ogan Komering Ulu"
    assert oku.province.code == "16"
    assert oku.province.name == "Sumatera Selatan"


def test_load_regions_is_idempotent(db):
    Regency.objects.filter(code="16.01").update(name="Nama Lama")
    call_command("load_regions", verbosity=0)
    call_command("load_regions", verbosity=0)
    assert Regency.objects.count() == 514
    assert Regency.objects.get(code="16.01").name == "Kabupaten Ogan Komering Ulu"
