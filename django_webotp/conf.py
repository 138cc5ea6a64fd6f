"""The ``WEBOTP_*`` settings, read lazily so ``override_settings`` just works.

Every default lives in ``DEFAULTS`` below and nowhere else. The documentation's settings
reference is generated from it (docs/_ext/webotp_reference/): each key's meaning is the comment
block above it and any comment at the end of its line (a key with only the latter shares the
block of the key before it, as a group); a ``# --- Title ---`` line starts a section.
Nothing here ever writes into ``django.conf.settings``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings

__all__ = ["DEFAULTS", "webotp_settings"]

DEFAULTS: dict[str, Any] = {
    # --- Sign-in and codes ---
    # Dotted path of the SMS backend class, like EMAIL_BACKEND.
    "SMS_BACKEND": "django_webotp.sms.backends.console.SmsBackend",
    # Directory of the filebased backend.
    "SMS_FILE_PATH": None,
    # Host put in the origin-bound line "@host #code"; None: the request's host without port.
    "DOMAIN": None,
    # Region for numbers typed without "+"; None: PHONENUMBER_DEFAULT_REGION.
    "DEFAULT_REGION": None,
    # Digits in a code.
    "CODE_LENGTH": 6,
    # Seconds a code stays valid.
    "CODE_TTL": 300,
    # Wrong codes accepted per challenge before it locks.
    "MAX_ATTEMPTS": 5,
    # Whether a verified unknown number creates an account.
    "SIGNUP": True,
    # Whether staff and superusers may sign in with a phone code alone, no password. Off: their
    # numbers are only ever a second step (a deploy check warns when this is on).
    "STAFF_SMS_SIGNIN": False,
    # Seconds between a code and a resent one, per challenge.
    "RESEND_COOLDOWN": 30,
    # Site name used in the SMS text; None: the current Site's name or the domain.
    "SITE_NAME": None,
    # Callable (dotted path) that makes a user for a new phone number.
    "CREATE_USER": "django_webotp.backends.create_user",
    # --- Abuse: where codes may go, budgets, bot checks ---
    # Where codes may go: ISO 3166 region codes (None: every region), and phonenumbers
    # number types (names of phonenumbers.PhoneNumberType) that can receive a code.
    "ALLOWED_REGIONS": None,
    "BLOCKED_REGIONS": (),  # regions codes never go to
    "ALLOWED_NUMBER_TYPES": ("MOBILE", "FIXED_LINE_OR_MOBILE"),  # premium-rate, VoIP...: refused
    # Caps on SMS sent, per scope, in the shared cache (docs/topics/security.md: the threat model).
    # Asked in this order: the client's address and its network (/24, /64), the number (per
    # purpose), then the shared prefix, country and global budgets, which only real sends spend.
    "SMS_BUDGETS": {
        "ip": "10/h,20/d",
        "network": "25/h,100/d",
        "number": "5/h,10/d",
        "prefix": "30/h,100/d",
        "country": "300/h,1500/d",
        "global": "1000/h,5000/d",
    },
    # Digits of the national number (after the country code) that make a "prefix".
    "BUDGET_PREFIX_DIGITS": 6,
    # Callable (dotted path) run before a code is sent, e.g. a CAPTCHA check; None: no check.
    "BOT_CHECK": None,
    # Secret and endpoint of the bundled Cloudflare Turnstile check (django_webotp.friction).
    "TURNSTILE_SECRET": None,
    "TURNSTILE_URL": "https://challenges.cloudflare.com/turnstile/v0/siteverify",  # the endpoint
    # Turnstile's public site key: set, the pages that send a code (sign-in, a new phone number)
    # show its widget while BOT_CHECK is on. None: no widget (override _bot_check.html instead).
    "TURNSTILE_SITE_KEY": None,
    # --- Delivery ---
    # "sync": the request sends the SMS. "task": the request enqueues it on Django's tasks
    # framework (django.tasks; the django-tasks backport on Django 5.2) and a worker sends it.
    "DELIVERY": "sync",
    # Seconds a task worker may take over one send (all failover members together) before the
    # send is closed as failed and a new code may be asked for at once; above the provider's
    # timeouts, so that a send still under way is never cut short.
    "SEND_LEASE": 60,
    # Seconds the oldest queued code may wait for a worker before the delivery_stalled signal
    # (sent by manage.py webotp_sweep) and the webotp.W041 check (manage.py check --database)
    # say the queue is stalled.
    "QUEUE_STALL_AFTER": 60,
    # Seconds a request may spend sending one SMS, all failover members together; past it the
    # send counts as failed ("timeout") and the person is told to try again. Keep it below
    # WORKER_TIMEOUT (a deploy check says so).
    "SEND_DEADLINE": 10,
    # Seconds the web server gives a request before it kills the worker (gunicorn's --timeout,
    # 30 by default; uWSGI's harakiri). Only read by the check on SEND_DEADLINE.
    "WORKER_TIMEOUT": 30,
    # --- Rate limits, proxies and cookies ---
    # Rate limits, comma-separated django-ratelimit rates ("5/h,10/d").
    "RATELIMIT_PHONE": "5/h,10/d",  # codes requested per phone number
    "RATELIMIT_IP": "20/h",  # codes requested per client IP
    "RATELIMIT_VERIFY_IP": "30/10m",  # code submissions per client IP
    # Codes one signed-in account asks for numbers it has not verified (a phone change, an
    # enrolment), from whichever address: caps an account used to text strangers.
    "RATELIMIT_NEW_NUMBER": "3/h,10/d",
    # Reverse proxies in front of the site, trusted to append the client's address to
    # X-Forwarded-For: their number, or a list of their networks (["10.0.0.0/8"]: also safe when
    # a client reaches the site directly). Empty: the client is REMOTE_ADDR, and
    # X-Forwarded-For is ignored.
    "TRUSTED_PROXIES": (),
    # The signed cookie of a browser that signed in for a number (a keyed hash of it, never the
    # number): its requests for that number get their own allowance, so others cannot lock the
    # number out. Days it lasts (0: no such cookie), and its name.
    "DEVICE_COOKIE_DAYS": 365,
    "DEVICE_COOKIE_NAME": "webotp_browser",  # its name
    # The signed cookie that keeps a sign-in's code step (which code this browser asked for,
    # where it goes next) until the person is signed in: no session row for a visitor.
    "PENDING_COOKIE_NAME": "webotp_pending",
    # --- Real SMS providers (docs/howto/providers.md). Constructor arguments beat these. ---
    # Seconds a provider backend waits to connect, and again for each read, before giving up.
    "SMS_TIMEOUT": 10,
    # Twilio (pip install django-webotp[twilio]): the account SID, then either the auth token
    # or an API key SID + secret; a sender number/ID, a Messaging Service SID, or both.
    "TWILIO_ACCOUNT_SID": None,
    "TWILIO_AUTH_TOKEN": None,  # also verifies X-Twilio-Signature on delivery receipts
    "TWILIO_API_KEY": None,  # an API key SID (SK...), instead of the auth token
    "TWILIO_API_SECRET": None,  # that API key's secret
    "TWILIO_FROM": None,  # a sender number (E.164), short code or alphanumeric sender ID
    "TWILIO_MESSAGING_SERVICE_SID": None,  # a Messaging Service (MG...) picks the sender
    # Absolute URL of the receipts view, sent as StatusCallback; None: the Messaging Service's.
    "TWILIO_STATUS_CALLBACK": None,
    # Amazon SNS (pip install django-webotp[sns]). Credentials come from boto3's usual chain
    # (environment, shared config, instance role); never from Django settings.
    "SNS_REGION": None,
    "SNS_SENDER_ID": None,  # AWS.SNS.SMS.SenderID, where the destination country allows one
    "SNS_ORIGINATION_NUMBER": None,  # AWS.MM.SMS.OriginationNumber, E.164
    "SNS_ENDPOINT_URL": None,  # a VPC endpoint or other SNS-compatible URL; None: AWS's
    # Vonage SMS API (pip install django-webotp[vonage]): the API key and secret send messages.
    "VONAGE_API_KEY": None,
    "VONAGE_API_SECRET": None,  # the API secret
    # Verifies signed delivery receipts (the "sig" field), with the dashboard's signature
    # method, an HMAC: "md5", "sha1", "sha256" or "sha512".
    "VONAGE_SIGNATURE_SECRET": None,
    "VONAGE_SIGNATURE_METHOD": "sha256",  # the dashboard's HMAC method
    # Seconds a signed receipt's "timestamp" may be from now (replay window): older ones 400.
    "VONAGE_TOLERANCE": 300,
    # The sender: a number without "+", or an alphanumeric sender ID.
    "VONAGE_FROM": None,
    # Absolute URL of the receipts view, sent as "callback"; None: the dashboard's.
    "VONAGE_STATUS_CALLBACK": None,
    # Your own HTTP gateway: JSON POSTed to WEBHOOK_URL, signed with WEBHOOK_SECRET.
    "WEBHOOK_URL": None,
    "WEBHOOK_SECRET": None,  # at least 32 characters; also verifies the gateway's receipts
    "WEBHOOK_TIMEOUT": None,  # seconds; None: SMS_TIMEOUT
    # Seconds a signed gateway receipt stays acceptable (replay window).
    "WEBHOOK_TOLERANCE": 300,
    # Also sign requests, and accept receipts, the old way (X-WebOTP-Signature): deprecated, to
    # be off by default in the next release and then removed; Standard Webhooks headers always.
    "WEBHOOK_LEGACY_SIGNATURES": True,
    # Backends tried in order by the failover backend: dotted paths, or
    # {"BACKEND": path, "OPTIONS": {constructor arguments}} to give one its own settings.
    "FAILOVER_BACKENDS": [],
    # --- Development and testing ---
    # Fictional numbers with fixed codes, for app-store reviewers and demos, like Firebase's test
    # numbers: {"+15555550100": "123456"}. No SMS is sent to them; each use is logged. A system
    # check refuses them unless DEBUG is on or TEST_NUMBERS_IN_PRODUCTION acknowledges it.
    "TEST_NUMBERS": {},
    # True acknowledges that TEST_NUMBERS is meant to work on this production site.
    "TEST_NUMBERS_IN_PRODUCTION": False,
    # Load the Web OTP simulator on the code page, so any desktop browser fills the code from the
    # dev SMS inbox. Development only: needs DEBUG and the django_webotp.dev.urls include.
    "DEV_SIMULATOR": False,
    # --- Purposes beyond sign-in (docs/howto/two-factor.md and the pages after it) ---
    # Two-step verification after a password login, enforced by
    # django_webotp.middleware.TwoFactorMiddleware. False: only views marked with
    # @two_factor_required (or TwoFactorRequiredMixin) need the code. True: every view does,
    # except @two_factor_exempt ones, Django's @login_not_required ones and logging out.
    "TWO_FACTOR_REQUIRED": False,
    # A user with no verified phone number after the password: "enroll" (verify a number now;
    # it becomes their second factor), "deny" (refused until an administrator adds one), or
    # "allow" (the password is enough for them).
    "TWO_FACTOR_WITHOUT_PHONE": "enroll",
    # Days a browser may skip the code after a person ticks "remember this device"; 0: never.
    "TWO_FACTOR_REMEMBER_DAYS": 0,
    # Name of the signed cookie that remembers a device.
    "TWO_FACTOR_COOKIE_NAME": "webotp_device",
    # Seconds a sign-in, a password typed again or a code to the current number counts as
    # recent: changing the phone number needs one that recent (a stolen session has none).
    "REAUTH_MAX_AGE": 300,
    # --- Links and formats (docs/howto/links.md) ---
    # Put a one-tap link in the sign-in SMS: https://host/.../c/<token>/#<code>. Opening it shows
    # the code filled in and a button; nothing signs in until that button is pressed.
    "LINK": False,
    # Show the link, without the code, as a QR code on the code page (pip install
    # django-webotp[qr]), so that the code can be entered on another device (a phone).
    "LINK_QR": False,
    # Scheme and host of links, e.g. "https://example.com"; None: the request's, or, in a task
    # worker, "https://" + WEBOTP_DOMAIN.
    "LINK_BASE_URL": None,
    # Host of the cross-origin iframe holding the code form: the SMS's last line becomes
    # "@WEBOTP_DOMAIN #code @EMBEDDED_DOMAIN". WEBOTP_DOMAIN is then the top-level site's host.
    "EMBEDDED_DOMAIN": None,
    # The Android app's 11-character SMS Retriever hash, put after the code on the last line
    # ("@example.com #123456 FA+9qCX9VSu") where browsers ignore it.
    "ANDROID_APP_HASH": None,
    # --- Passkeys (pip install django-webotp[passkeys]). ---
    # Offer a passkey after an SMS sign-in and accept passkeys on the phone page.
    "PASSKEYS": False,
    # The relying party id passkeys are bound to: the site's registrable domain ("example.com").
    # None: the request's host, while DEBUG is on only; a production site must set it.
    "PASSKEY_RP_ID": None,
    # Origins a passkey ceremony may come from (["https://example.com"]); None: the request's own
    # scheme and host.
    "PASSKEY_ORIGINS": None,
    # What an SMS code may do for an account that has a passkey: "signin" (sign in as before) or
    # "recovery" (sign in as a recovery: the passkey_recovery_used signal, and first the wait
    # below).
    "PASSKEY_SMS": "signin",
    # Seconds a recovery by SMS waits, from its first right code, before a right code signs in
    # (0: at once); a sign-in with a passkey meanwhile calls it off.
    "PASSKEY_RECOVERY_WAIT": 0,
    # E-mail the account's address (its EMAIL_FIELD) when a recovery by SMS starts its wait
    # and when it signs in: the phone cannot warn an owner whose number someone else now has.
    "PASSKEY_RECOVERY_EMAIL": False,
    # Seconds a passkey registration or sign-in may take, from its options to its answer.
    "PASSKEY_TIMEOUT": 180,
    # Passkey ceremonies begun and answers checked per client IP (rates as RATELIMIT_IP).
    "RATELIMIT_PASSKEY": "30/10m,200/d",
    # Days "Not now" on the passkey offer after an SMS sign-in keeps it away, in that browser.
    "PASSKEY_OFFER_DAYS": 30,
    # --- Native apps (docs/howto/native-apps.md) ---
    # Let the JSON API run a sign-in with a signed flow token instead of cookies and CSRF
    # (header X-WebOTP-Flow), for native apps and other clients that keep no cookies.
    "API_TOKENS": False,
    # Callable (dotted path) (request, user) -> dict merged into verify's answer in token mode:
    # the site's own credential, e.g. "django_webotp.api.drf.authtoken" (pip install
    # django-webotp[drf]). None: the answer carries no credential.
    "API_ISSUE_TOKEN": None,
}


class WebOTPSettings:
    """Attribute access to ``WEBOTP_<NAME>``, falling back to ``DEFAULTS`` on every read."""

    prefix = "WEBOTP_"

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown django-webotp setting: {self.prefix}{name}")
        return getattr(django_settings, self.prefix + name, DEFAULTS[name])

    def __dir__(self) -> list[str]:
        return sorted(DEFAULTS)


webotp_settings = WebOTPSettings()
