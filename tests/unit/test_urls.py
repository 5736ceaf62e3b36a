"""pipelines.urls.redact_url: source URLs safe to publish in the catalog and show in errors."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from pipelines.urls import redact_url


@pytest.mark.parametrize(("url", "expected"), [
    ("https://data.hue.gov.vn/files/co-so.csv", "https://data.hue.gov.vn/files/co-so.csv"),
    ("https://cong:m4tkhau@data.hue.gov.vn/files/a.csv", "https://data.hue.gov.vn/files/a.csv"),
    ("https://token@data.hue.gov.vn:8443/a.csv?page=2#top", "https://data.hue.gov.vn:8443/a.csv?page=2#top"),
    ("http://127.0.0.1:8000/api/3/action/package_show?id=diem-du-lich",
     "http://127.0.0.1:8000/api/3/action/package_show?id=diem-du-lich"),
])
def test_userinfo_removed_rest_kept(url, expected):
    assert redact_url(url) == expected


@pytest.mark.parametrize("key", ["token", "access_token", "api_key", "apiKey", "KEY", "client_secret", "password",
                                 "X-Amz-Signature", "X-Amz-Credential", "sig", "auth"])
def test_secret_query_values_masked(key):
    url = f"https://u:p@data.hue.gov.vn/api/data?page=2&{key}=s3cr3t-value&rows=100&q=Hu%E1%BA%BF"
    redacted = redact_url(url)
    assert "s3cr3t" not in redacted and "u:p" not in redacted
    parts = urlsplit(redacted)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "data.hue.gov.vn", "/api/data")
    assert parse_qsl(parts.query) == [("page", "2"), (key, "***"), ("rows", "100"), ("q", "Huế")]


def test_blank_and_repeated_parameters():
    redacted = redact_url("https://h/x?token=&token=abc&format=json&format=csv")
    assert parse_qsl(redacted.split("?", 1)[1], keep_blank_values=True) == [
        ("token", "***"), ("token", "***"), ("format", "json"), ("format", "csv")]


def test_ipv6_host_keeps_brackets():
    assert redact_url("http://user:pw@[::1]:8080/a.csv?key=k") == "http://[::1]:8080/a.csv?key=***"


@pytest.mark.parametrize("key", ["author", "keyword", "monkey", "page_size", "x-amz-date", "signed", "tokenizer"])
def test_parameters_that_only_contain_a_secret_word_are_kept(key):
    url = f"https://data.hue.gov.vn/api?{key}=Nguy%E1%BB%85n+V%C4%83n"
    assert redact_url(url) == url


def test_unmasked_parameters_keep_their_original_encoding():
    url = "https://h/api?q=Hu%E1%BA%BF+city&path=a%2Fb&flag&accessToken=abc%2B1&empty=&Api-Key=k#frag"
    assert redact_url(url) == "https://h/api?q=Hu%E1%BA%BF+city&path=a%2Fb&flag&accessToken=***&empty=&Api-Key=***#frag"
