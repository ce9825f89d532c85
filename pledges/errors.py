"""Why signing was refused: one exception class, with the messages people see as constants tests assert on."""

from django.utils.translation import gettext_lazy as _


class SigningError(Exception):
    """Signing, witnessing, paper recording or withdrawal refused; the message is for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


EVENT_NOT_OPEN = _("Penandatanganan untuk kegiatan ini belum dibuka atau sudah ditutup.")
EVENT_IS_DRAFT = _("Kegiatan ini masih draf: lembar kertas dicatat setelah penandatanganan dibuka.")
EVENT_HAS_NO_DECLARATION = _("Kegiatan ini belum memiliki naskah pakta; hubungi panitia.")
ALREADY_SIGNED = _("Anda sudah menandatangani pakta pada kegiatan ini. Pakta hanya ditandatangani satu kali.")
ALREADY_SIGNED_NAMES = _("Peserta berikut sudah memiliki pakta pada kegiatan ini: %(names)s.")
NUMBER_UNKNOWN = _(
    "Nomor ini tidak terdaftar sebagai peserta kegiatan ini. Periksa kembali nomor Anda atau "
    "tanda tangani di meja panitia."
)
PERSONAL_CODE_UNKNOWN = _(
    "Kode pribadi tidak dikenal untuk kegiatan ini. Periksa kembali kode pada undangan Anda."
)
ATTENDANCE_CODE_WRONG = _(
    "Kode kehadiran salah atau sudah kedaluwarsa. Lihat kode terbaru di layar ruangan dan coba lagi."
)
PRESENCE_EXPIRED = _(
    "Kode QR yang dipindai sudah kedaluwarsa. Pindai lagi kode QR di layar ruangan, atau masukkan kode "
    "kehadiran yang tampil di sana."
)
IDENTITY_EXPIRED = _("Waktu pengisian habis. Silakan masukkan nomor dan kode Anda sekali lagi.")
TOO_MANY_ATTEMPTS = _(
    "Terlalu banyak percobaan yang salah. Tunggu beberapa menit, pindai kode QR di layar ruangan, atau "
    "tanda tangani di meja panitia."
)
SIGNING_FORM_USED = _("Formulir ini sudah dipakai untuk tanda tangan lain. Muat ulang halaman dan coba lagi.")
WALK_IN_NOT_ALLOWED = _("Kegiatan ini tidak menerima peserta yang tidak terdaftar.")
WALK_IN_NUMBER_TAKEN = _("Nomor ini sudah terdaftar pada kegiatan ini; masuk dengan nomor tersebut.")

SIGNATURE_NOT_PNG = _("Tanda tangan tidak terbaca: kirim gambar PNG dari kotak tanda tangan.")
SIGNATURE_TOO_LARGE = _("Gambar tanda tangan terlalu besar.")
SIGNATURE_EMPTY = _("Tanda tangan kosong atau terlalu kecil. Silakan bubuhkan tanda tangan Anda.")

SCAN_WRONG_TYPE = _("Berkas pindaian harus PDF, JPEG atau PNG.")
WITNESS_ALREADY_SIGNED = _("Saksi ini sudah menandatangani.")
PAPER_NOBODY_TICKED = _("Centang sedikitnya satu peserta yang menandatangani di kertas.")
WITHDRAW_ALREADY = _("Pakta ini sudah ditarik.")
WITHDRAW_REASON_REQUIRED = _("Tuliskan alasan penarikan.")
WITHDRAW_REASON_TOO_LONG = _(
    "Alasan penarikan paling panjang %(limit_value)d karakter; persingkat alasannya."
)
