#pragma once

#include "audit/TlsAudit.h"

#include <QDateTime>

/// A finished run against an imaginary legacy mail server whose TLS audit found a bit of every
/// class: SSL 3.0, RC4, 3DES, export, NULL, anonymous, static RSA, CBC with TLS 1.0, 512- and
/// 1024-bit DH, a deprecated curve. Built the way a real run is (TlsAudit::merge over a raw
/// probe result), for the TLS panel's test and the screenshot tool; no server can serve these
/// suites with OpenSSL 3, so the demo cannot play them.
inline Run legacyTlsRun()
{
    Run run;
    // No connected address: the JSON report does not keep it, and the panel test compares a run
    // with its saved report.
    run.target = {QStringLiteral("legacy.example.test"),
                  25,
                  Protocol::Smtp,
                  TlsMode::StartTls,
                  TlsPolicy::Opportunistic,
                  {QStringLiteral("127.0.0.1")},
                  {}};
    run.startedAt = QDateTime(QDate(2026, 12, 2), QTime(12, 0), Qt::UTC);
    run.durationMs = 1840;
    for (StepId id : {StepId::Resolve, StepId::Connect, StepId::Banner, StepId::Greeting, StepId::StartTls,
                      StepId::TlsHandshake, StepId::GreetingTls, StepId::Quit})
        run.steps.append({id, StepStatus::Ok, 0, 10, {}});
    TlsFacts tls;
    tls.protocol = QStringLiteral("TLSv1.2");
    tls.cipher = QStringLiteral("ECDHE-RSA-AES128-GCM-SHA256");
    tls.keyExchange = QStringLiteral("ECDH");
    tls.verified = true;
    run.tls = tls;

    TlsAuditResult r;
    const auto version = [&r](const char* name, const char* status, const char* detail = "") {
        r.versions.insert(QLatin1String(name), {QLatin1String(status), QLatin1String(detail)});
    };
    version("SSLv2", "rejected", "handshake_failure");
    version("SSLv3", "accepted", "RC4-SHA");
    version("TLSv1.0", "accepted", "ECDHE-RSA-AES128-SHA");
    version("TLSv1.1", "rejected", "protocol_version");
    version("TLSv1.2", "accepted", "ECDHE-RSA-AES128-GCM-SHA256");
    version("TLSv1.3", "rejected", "protocol_version");
    r.suites.insert(QStringLiteral("SSLv3"), {{0x0005, 0, {}}, {0x000A, 0, {}}});
    r.suites.insert(QStringLiteral("TLSv1.0"), {{0xC013, 0, QStringLiteral("secp256r1")},
                                                {0x0016, 1024, {}},
                                                {0x0004, 0, {}},
                                                {0x0003, 0, {}},
                                                {0x0014, 512, {}}});
    r.suites.insert(QStringLiteral("TLSv1.2"), {{0xC02F, 0, QStringLiteral("x25519")},
                                                {0xC030, 0, QStringLiteral("x25519")},
                                                {0x009E, 1024, {}},
                                                {0x0035, 0, {}},
                                                {0xC010, 0, QStringLiteral("x25519")},
                                                {0x0034, 1024, {}},
                                                {0xC012, 0, QStringLiteral("secp192r1")},
                                                {0xC011, 0, QStringLiteral("x25519")}});
    r.cipherOrder.insert(QStringLiteral("TLSv1.0"), QStringLiteral("server"));
    r.cipherOrder.insert(QStringLiteral("TLSv1.2"), QStringLiteral("server"));
    r.groups.insert(QStringLiteral("TLSv1.2"),
                    {QStringLiteral("x25519"), QStringLiteral("secp256r1"), QStringLiteral("secp192r1")});
    r.probes = 412;
    r.durationMs = 1630;
    TlsAudit::merge(r, ProbeOptions {}, run);
    return run;
}
