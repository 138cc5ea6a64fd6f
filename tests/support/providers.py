"""Made-up provider credentials, and the check that none of them leaked into a log or an error."""

import base64

# Made-up credentials: every test checks they never reach a log line or an exception's text.
SECRETS = {
    "twilio_token": "twilio-auth-token-0123456789abcdef",
    "twilio_api_secret": "twilio-api-secret-0123456789abcdef",
    "vonage_secret": "vonage-api-secret-0123",
    "vonage_signature": "vonage-signature-secret-0123456789abcdef",
    "webhook_secret": "webhook-secret-0123456789abcdef0123456789",
    "aws_secret": "aws-secret-access-key-0123456789abcdef",
}


def assert_no_secret(text: str) -> None:
    """Fail if ``text`` holds any secret, or Vonage's Basic credentials made from one."""
    for secret in SECRETS.values():
        assert secret not in text
    basic = base64.b64encode(f"vonage-key:{SECRETS['vonage_secret']}".encode()).decode()
    assert basic not in text
