"""Domain operations on declarations and pacts."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pledges.models import Declaration

DEFAULT_TITLE = "Pakta Integritas Netralitas Aparatur Sipil Negara"
DEFAULT_OPENING = (
    "Kami yang bertanda tangan di bawah ini, Aparatur Sipil Negara, dengan sungguh-sungguh menyatakan "
    "bahwa kami akan:"
)
DEFAULT_POINTS = [
    "Bersikap netral dan menjaga mutu pelayanan publik kepada semua warga tanpa membeda-bedakan, "
    "sebelum, selama, dan sesudah seluruh tahapan pemilihan.",
    "Menjauhi konflik kepentingan, tidak menekan atau mengintimidasi rekan kerja maupun masyarakat, "
    "dan tidak menunjukkan dukungan kepada peserta atau pasangan calon mana pun.",
    "Memakai media sosial dengan bijak: tidak mengunggah atau membagikan dukungan politik, ujaran "
    "kebencian, maupun kabar bohong.",
    "Tidak ikut dalam politik praktis, serta menolak politik uang dan setiap pemberian dalam bentuk apa "
    "pun yang berkaitan dengan pemilihan.",
]
DEFAULT_CLOSING = (
    "Pernyataan ini kami buat dengan penuh kesadaran. Apabila kami melanggarnya, kami bersedia menerima "
    "sanksi sesuai peraturan perundang-undangan."
)


class DeclarationError(Exception):
    """A declaration change that the rules refuse; the message is for the user."""


DECLARATION_NOT_LOCKED = _("Naskah ini belum ditandatangani siapa pun: ubah saja langsung.")
DECLARATION_HAS_NEWER = _("Naskah ini sudah memiliki versi yang lebih baru: ubah versi terbaru.")


def declaration_default() -> Declaration:
    """The shared default text with the usual four points, created on first use."""
    declaration, _created = Declaration.objects.get_or_create(
        title=DEFAULT_TITLE,
        version=1,
        province=None,
        regency=None,
        defaults={"opening": DEFAULT_OPENING, "points": DEFAULT_POINTS, "closing": DEFAULT_CLOSING},
    )
    return declaration


@transaction.atomic
def declaration_new_version(*, declaration: Declaration, user=None, **changes) -> Declaration:
    """Make the next version of a signed (frozen) declaration with the given text changes."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if not declaration.is_locked:
        raise DeclarationError(DECLARATION_NOT_LOCKED)
    if Declaration.objects.filter(previous=declaration).exists():
        raise DeclarationError(DECLARATION_HAS_NEWER)
    fields = {
        field: changes.get(field, getattr(declaration, field))
        for field in ("title", "opening", "points", "closing", "place_date_line", "province", "regency")
    }
    revised = Declaration(**fields, version=declaration.version + 1, previous=declaration, created_by=user)
    revised.full_clean()
    revised.save()
    return revised


DECLARATION_FIELDS = ("title", "opening", "points", "closing", "place_date_line")


@transaction.atomic
def declaration_create(*, user, province=None, regency=None, **fields) -> Declaration:
    declaration = Declaration(province=province, regency=regency, created_by=user, **fields)
    declaration.full_clean()
    declaration.save()
    return declaration


@transaction.atomic
def declaration_update(*, declaration: Declaration, user, **fields) -> tuple[Declaration, bool]:
    """Change a declaration in place while nobody signed it, else as a new version; says which happened."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.is_locked:
        return declaration_new_version(declaration=declaration, user=user, **fields), True
    for name, value in fields.items():
        if name not in DECLARATION_FIELDS:
            raise TypeError(f"declaration_update() got an unexpected field {name!r}")
        setattr(declaration, name, value)
    declaration.full_clean()
    declaration.save()
    return declaration, False
