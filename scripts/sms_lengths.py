"""Prints how many SMS segments each shipped template takes, in every language and variant.

    DJANGO_SETTINGS_MODULE=tests.settings python scripts/sms_lengths.py

tests/test_sms_lengths.py checks these counts; this only shows them.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django_webotp.sms_format import sms_segments  # noqa: E402
from tests.support.sms_lengths import (  # noqa: E402
    LANGUAGES,
    LONGEST,
    SMS_TEMPLATES,
    TYPICAL,
    VARIANTS,
    describe,
    purpose_of,
    render,
)


def main() -> None:
    print(
        "SMS segments. longest: "
        + ", ".join(f"{k}={v!r}" for k, v in vars(LONGEST).items())
        + "; typical: "
        + ", ".join(f"{k}={v!r}" for k, v in vars(TYPICAL).items())
    )
    print(
        f"{'template':<12} {'lang':<6} {'inputs':<8} {'variant':<26} {'chars':>5}  "
        f"{'alphabet':<14} segments"
    )
    for template in SMS_TEMPLATES:
        for language in LANGUAGES:
            for inputs_name, inputs in (("longest", LONGEST), ("typical", TYPICAL)):
                for variant, options in VARIANTS.items():
                    body = render(template, language, inputs, **options)
                    print(
                        f"{purpose_of(template):<12} {language:<6} {inputs_name:<8} "
                        f"{variant:<26} {len(body):>5}  {describe(body):<14} {sms_segments(body)}"
                    )


if __name__ == "__main__":
    main()
