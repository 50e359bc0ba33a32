#pragma once

#include "MessageTransaction.h"
#include "run/Types.h"
#include "tls/TlsClientOptions.h"

#include <optional>
#include <QHostAddress>
#include <QList>
#include <QSslCertificate>
#include <QString>

/// Everything a ProbeSession needs to know before it starts. Plain data: the CLI fills it from
/// its options, the GUI from a profile.
struct ProbeOptions
{
    QString host; ///< as the user typed it; also the name certificates must carry
    quint16 port = 25;
    /// Addresses resolved already (the domain check's validating resolver): no lookup is made and
    /// `host` stays the name certificates must carry.
    QList<QHostAddress> addresses;
    Protocol protocol = Protocol::Smtp;
    TlsMode tls = TlsMode::StartTls;
    TlsPolicy policy = TlsPolicy::Enforce;

    /// Added to the system's trust anchors (--ca-file).
    QList<QSslCertificate> extraCaCertificates;
    /// SHA-256 fingerprints of server certificates the user accepted for this server (a profile's
    /// trust settings). A matching leaf stands in for the CA's word on who the server is: a
    /// self-signed or untrusted chain is then "trusted by your profile", recorded as a finding.
    /// Expiry and the host name are still checked.
    QStringList acceptedCertificates;
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

    /// TLS settings for probe sessions (version and cipher enumeration): protocol, backend cipher
    /// string, cipher list, OCSP request. peerVerifyName and extraCaCertificates are ignored here:
    /// they always come from `host` and `extraCaCertificates` above.
    TlsClientOptions tlsOverrides;

    /// Extra TLS probes that run beside the main conversation (mailscope-cli check --tls-versions,
    /// --ciphers, --injection-test; the GUI's TLS audit).
    struct TlsAudit
    {
        bool versions = false; ///< accept/reject per TLS version
        bool ciphers = false; ///< accepted cipher suites per version
        bool commandInjection = false; ///< CVE-2011-0411 class probe
        bool ocsp = false; ///< ask for a stapled OCSP response
        bool any() const { return versions || ciphers || commandInjection || ocsp; }
    } audit;

    /// Authentication (the `auth` step runs only when `user` is set).
    QString user;
    /// The secret (password or, for XOAUTH2, the OAuth token). Never written to a report or log.
    QByteArray password;
    /// auto (strongest offered), plain, login, cram-md5 or xoauth2.
    QString authMechanism = QStringLiteral("auto");
    /// Show AUTH payloads in transcripts instead of [redacted] (--show-secrets); marked in the report.
    bool showSecrets = false;

    /// A test message to send after the other steps (mailscope-cli send, the send pane): adds the
    /// steps mail-from, one rcpt-to per recipient and data before quit (SMTP only).
    std::optional<SendOptions> send;
};
