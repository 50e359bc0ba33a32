#pragma once

#include "run/Types.h"

#include <QList>
#include <QSslCertificate>
#include <QString>

#include <optional>

/// Everything a ProbeSession needs to know before it starts. Plain data: the CLI fills it from
/// its options, the GUI from a profile.
struct ProbeOptions
{
    QString host; ///< as the user typed it; also the name certificates must carry
    quint16 port = 25;
    Protocol protocol = Protocol::Smtp;
    TlsMode tls = TlsMode::StartTls;
    TlsPolicy policy = TlsPolicy::Enforce;

    /// Added to the system's trust anchors (--ca-file).
    QList<QSslCertificate> extraCaCertificates;
    /// Continue past certificate errors, keeping them as findings (--insecure).
    bool insecure = false;
    /// The name announced in EHLO/HELO.
    QString heloName = QStringLiteral("mailscope.invalid");
    /// Per-step timeout.
    int stepTimeoutMs = 15000;
    /// End the run cleanly (with QUIT) after this step.
    std::optional<StepId> stopAfter;
    /// cert-expires-soon below this many days.
    int expiryWarningDays = 21;
};
