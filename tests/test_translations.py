"""The Spanish translation: complete and compiled, and what a Spanish-speaking person reads.

A browser that asks for Spanish (Accept-Language, read by LocaleMiddleware) gets
the pages, the JSON API's messages and the SMS in Spanish.
"""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

import django_webotp
from django_webotp import sms
from django_webotp.delivery.compose import render_body
from django_webotp.models import Challenge
from django_webotp.sms_format import build_message, is_gsm7, sms_segments
from django_webotp.testing import last_code
from tests.support.api import Api
from tests.support.catalogs import assert_compiled, assert_complete, catalog_id
from tests.support.codes import wrong_code

PHONE = "+447911123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
RESEND = reverse("webotp:resend")
STATUS = reverse("webotp:status")

APP = Path(django_webotp.__file__).parent
CATALOGS = sorted(APP.glob("locale/*/LC_MESSAGES/django.po"))
SMS_TEMPLATES = sorted(path.name for path in APP.glob("templates/django_webotp/sms/*.txt"))
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def spanish(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


@pytest.fixture
def es(client):
    """The test client of a browser set to Spanish."""
    return spanish(client)


def text(response) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


# --- the catalogs ----------------------------------------------------------------------------


def test_every_language_the_settings_offer_has_a_catalog():
    assert len(CATALOGS) == len(LANGUAGES) - 1  # English is the source
    for language in LANGUAGES:
        if language != "en":
            assert (APP / f"locale/{language}/LC_MESSAGES/django.po").exists()


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_every_message_is_translated_and_none_is_fuzzy(path):
    assert_complete(path)


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_the_compiled_catalog_matches_its_source(path):
    assert_compiled(path)


# --- the pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_phone_page_in_spanish(es):
    response = es.get(LOGIN)
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()
    page = text(response)
    assert "Inicia sesión con tu teléfono" in page
    assert "Te enviaremos un código por SMS. Sin contraseñas." in page
    assert "Número de teléfono" in page
    assert "Incluye el código de país, por ejemplo +52 para México." in page
    assert "Envíame un código" in page
    assert "Send me a code" not in page


@pytest.mark.django_db
def test_a_wrong_phone_number_is_explained_in_spanish(es):
    response = es.post(LOGIN, {"phone_number": "12"})
    assert response.status_code == 400
    assert (
        "Ingresa un número de teléfono válido, con el código de país (por ejemplo, +52)."
        in text(response)
    )


@pytest.mark.django_db
def test_the_code_page_and_its_errors_in_spanish(es):
    es.post(LOGIN, {"phone_number": PHONE})
    page = text(es.get(VERIFY))
    assert "Ingresa tu código" in page
    assert "Te enviamos un código por SMS al 07911 123456." in page
    assert "Código del SMS" in page
    assert "¿No te llegó el SMS?" in page
    assert re.search(r"\(disponible en \d+ segundos\)", page)
    assert "Usar otro número" in page

    wrong = wrong_code(last_code(PHONE))
    response = es.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert "Ese código no es correcto. Te quedan 4 intentos." in text(response)
    response = es.post(VERIFY, {"code": "12"})
    assert "El código tiene 6 dígitos." in text(response)
    for _ in range(3):
        response = es.post(VERIFY, {"code": wrong})
    assert "Ese código no es correcto. Te queda 1 intento." in text(response)


@pytest.mark.django_db
def test_the_sign_in_pages_follow_each_request_s_language():
    """Their sentences are kept per language: one browser's language never reaches another's."""
    english, spanish_browser = Client(), spanish(Client())
    for _ in range(2):
        assert "Sign in with your phone" in text(english.get(LOGIN))
        assert "Inicia sesión con tu teléfono" in text(spanish_browser.get(LOGIN))
    english.post(LOGIN, {"phone_number": PHONE})
    spanish_browser.post(LOGIN, {"phone_number": "+447911123457"})
    for _ in range(2):
        assert "Code from the SMS" in text(english.get(VERIFY))
        assert "Código del SMS" in text(spanish_browser.get(VERIFY))


@pytest.mark.django_db
def test_the_429_page_in_spanish(es):
    es.post(LOGIN, {"phone_number": PHONE})
    response = es.post(RESEND)  # before the resend cooldown is over
    assert response.status_code == 429
    page = text(response)
    assert "Demasiadas solicitudes" in page
    assert re.search(r"Podrás pedir un código nuevo en \d+ segundos?\.", page)
    assert "Ingresa el código que recibiste" in page
    assert "Usar otro número" in page


@pytest.mark.django_db
def test_the_resend_countdown_in_spanish(es):
    es.post(LOGIN, {"phone_number": PHONE})
    page = es.get(VERIFY).content.decode()
    assert 'data-webotp-one="(disponible en {n} segundo)"' in page
    assert 'data-webotp-other="(disponible en {n} segundos)"' in page
    assert 'data-webotp-ready="Ya puedes pedir un código nuevo."' in page


@pytest.mark.django_db
def test_the_429_page_of_too_many_codes_typed_in_spanish(es, settings, monkeypatch):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "1/m"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)  # no minute's window may end mid-test
    es.post(LOGIN, {"phone_number": PHONE})
    es.post(VERIFY, {"code": "000000"})
    page = text(es.post(VERIFY, {"code": "000000"}))
    assert re.search(r"Espera \d+ segundos? antes de volver a intentarlo\.", page)


@pytest.mark.django_db
def test_the_status_poll_answers_in_spanish(es):
    """webotp.js shows the status endpoint's own message: it must be in the page's language."""
    assert es.get(STATUS).json()["message"] == (
        "Tu solicitud para iniciar sesión expiró. Vuelve a ingresar tu número de teléfono."
    )
    es.post(LOGIN, {"phone_number": PHONE})
    assert es.get(STATUS).json() == {"state": "sent", "message": "Tu código va en camino."}


@pytest.mark.django_db
def test_english_is_still_the_default(client):
    response = client.get(LOGIN)
    assert '<html lang="en">' in response.content.decode()
    assert "Sign in with your phone" in text(response)


@pytest.mark.django_db
def test_the_admin_dashboard_in_spanish(admin_client):
    page = text(spanish(admin_client).get(reverse("admin:django_webotp_challenge_dashboard")))
    assert "Códigos e inicios de sesión por día (últimos 14 días)" in page
    # The column headers are counts ("Enviados"), the status choices single values ("Enviado").
    assert "Solicitados Enviados Fallidos Verificados" in page


@pytest.mark.django_db
def test_the_dev_inbox_and_the_simulator_in_spanish(es, settings):
    settings.DEBUG = True
    settings.WEBOTP_DEV_SIMULATOR = True
    assert "Aún no hay SMS." in text(es.get(reverse("webotp_dev:inbox")))
    es.post(LOGIN, {"phone_number": PHONE})
    page = es.get(VERIFY).content.decode()
    strings = json.loads(html.unescape(re.search(r'data-strings="([^"]*)"', page).group(1)))
    assert strings["ask"] == "¿Usar el código %(code)s del SMS?"
    assert strings["allow"] == "Permitir"
    assert "<script>" not in page  # still no inline script


# --- the SMS ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sms_is_in_the_language_of_the_page(es):
    es.post(LOGIN, {"phone_number": PHONE})
    code = last_code(PHONE)
    [message] = sms.outbox
    assert message.body == f"{code} es tu clave de acceso a Example.\n\n@testserver #{code}"


@pytest.mark.django_db
def test_the_spanish_sign_in_sms_is_one_gsm7_segment():
    challenge = Challenge.objects.issue(PHONE, ttl=300, max_attempts=5, code_length=6)
    with translation.override("es"):
        body = render_body(challenge, None, domain="example.com", site="Example")
    code = challenge.make_code()
    assert body == f"{code} es tu clave de acceso a Example.\n\n@example.com #{code}"
    assert is_gsm7(body)  # a single á, í, ó or ú would make it UCS-2: 70 characters a segment
    assert sms_segments(body) == 1


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", SMS_TEMPLATES)
def test_every_sms_template_is_one_gsm7_segment_in_every_language(template, language):
    context = {
        "code": "12345678",
        "domain": "accounts.example.com",
        "site_name": "Example Store",
        "ttl_minutes": 10,
        "ending": "23",
        "description": "payment of €20.00 to Acme",
    }
    with translation.override(language):
        human = render_to_string(f"django_webotp/sms/{template}", context).strip()
    # A notice (a changed or taken number) carries no code, so no origin-bound line either.
    has_code = "12345678" in human
    body = build_message(human, "accounts.example.com", "12345678") if has_code else human
    assert is_gsm7(body), body
    assert sms_segments(body) == 1, body


# --- the JSON API ----------------------------------------------------------------------------


@pytest.fixture
def api_es() -> Api:
    return Api(spanish(Client(enforce_csrf_checks=True)))


@pytest.mark.django_db
def test_the_api_error_messages_in_spanish(api_es):
    response = api_es.start("12")
    assert response.json()["error"] == "invalid_phone"
    assert response.json()["message"] == (
        "Ingresa un número de teléfono válido, con el código de país (por ejemplo, +52)."
    )
    api_es.start(PHONE)
    wrong = wrong_code(last_code(PHONE))
    response = api_es.verify(wrong)
    assert response.json()["message"] == "Ese código no es correcto. Te quedan 4 intentos."
    response = api_es.resend()
    assert response.json()["error"] == "rate_limited"
    assert re.fullmatch(
        r"Espera \d+ segundos? antes de volver a intentarlo\.", response.json()["message"]
    )
    response = api_es.client.post(reverse("webotp_api:start"), {"phone_number": PHONE})
    assert response.json()["error"] == "csrf_failed"
    assert response.json()["message"] == (
        "Falta el token de seguridad de esta solicitud o está vencido. Recarga la página e "
        "inténtalo de nuevo."
    )
