#pragma once

#include "Types.h"

#include <optional>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

/// Where a run points and how it was asked to behave.
struct RunTarget
{
    QString host; ///< as the user typed it (used for certificate name checks)
    quint16 port = 0;
    Protocol protocol = Protocol::Smtp;
    TlsMode tls = TlsMode::StartTls;
    TlsPolicy policy = TlsPolicy::Enforce;
    QStringList addresses; ///< every address the name resolved to
    QString connectedAddress; ///< the one actually used
};

/// One step of the conversation, as it happened.
struct StepRecord
{
    StepId id = StepId::Resolve;
    StepStatus status = StepStatus::Pending;
    qint64 startedMs = 0; ///< offset from the start of the run
    qint64 durationMs = 0;
    QString summary; ///< one line, in plain words
};

/// One line of the conversation. `dir` is 'C' (client), 'S' (server) or 'I' (Mailscope's own note).
struct TranscriptEntry
{
    qint64 tMs = 0;
    char dir = 'I';
    bool tls = false;
    StepId step = StepId::Resolve;
    int stepIndex = -1; ///< index into Run::steps of the step that produced it
    QString text;
    /// Received but never processed as protocol (plaintext bytes after STARTTLS's go-ahead).
    bool discarded = false;
    /// `text` is only the beginning of what was received (RunLimits); the rest is counted.
    bool truncated = {};
    /// For an entry that stands for many received lines (the discarded bytes after a go-ahead,
    /// the lines of a reply past RunLimits::TranscriptLinesPerReply): how many bytes and lines.
    qint64 bytes = {};
    int lines = {};
};

/// What Mailscope cut to keep a run bounded (RunLimits); all zero for an ordinary run.
struct RunTruncation
{
    int transcriptLinesOmitted = 0; ///< server lines counted but not kept
    qint64 transcriptBytesOmitted = 0;
    int textsClipped = 0; ///< lines, summaries, evidence and certificate fields cut short
    int capabilitiesOmitted = 0;
    int certificateNamesOmitted = 0;
    int alertsOmitted = 0;
    bool any() const
    {
        return transcriptLinesOmitted || transcriptBytesOmitted || textsClipped || capabilitiesOmitted
               || certificateNamesOmitted || alertsOmitted;
    }
};

/// What the TLS handshake negotiated and what verification concluded.
struct TlsFacts
{
    QString protocol; ///< "TLSv1.3"
    QString cipher; ///< "TLS_AES_256_GCM_SHA384"
    QString keyExchange; ///< "ECDHE X25519", "RSA", ...
    QString ephemeralKey; ///< "EC 253 bits"
    bool verified = false;
    QStringList errors; ///< every verification error, in words
    std::optional<bool> ocspStapled;
    /// True when the user chose to continue past verification errors (--insecure).
    bool verificationOverridden = false;
    /// True when the chain is not trusted by any CA, but the user accepted this very certificate
    /// (by its SHA-256 fingerprint) in the profile the run came from.
    bool trustedByProfile = false;
    /// The stapled OCSP response's verdict when stapling was requested: "good", "revoked",
    /// "unknown", or "none" (no staple); empty when it was not requested.
    QString ocspStatus = {};
};

/// Everything an administrator checks on one certificate of the chain.
struct CertificateInfo
{
    QString subject;
    QString issuer;
    QString commonName;
    QStringList sanDns;
    QStringList sanIp;
    /// The SAN (or, without SANs, the CN) that matched the host the user typed; empty if none did.
    /// Only set on the server's own certificate.
    QString matchedName;
    QDateTime notBefore;
    QDateTime notAfter;
    qint64 daysLeft = 0;
    QString serial;
    QString sha256;
    QString sha1;
    QString keyAlgorithm;
    int keyBits = 0;
    QString signatureAlgorithm;
    bool selfSigned = false;
    QString pem;
    /// Verification errors that concern this certificate, in words.
    QStringList errors;
};

/// A problem (or notable fact) Mailscope found, with a stable id and plain-language text.
struct Finding
{
    QString id;
    Severity severity = Severity::Info;
    QString title;
    QString explanation;
    QString reference;
    QString detail; ///< the specific evidence, e.g. the server's reply line
    std::optional<StepId> step; ///< the step that produced it
};

/// What the TLS audit (version, cipher, injection and OCSP probes) found beyond tlsVersions and
/// ciphers: the evidence behind each verdict, for the TLS panel and the text report.
/// One cipher suite a server accepted with one version, as a raw probe saw it (the IANA code;
/// the name, key exchange, bits and rating come from CipherSuiteTable by code).
struct AcceptedSuite
{
    quint32 code = 0; ///< two bytes for TLS suites, three for an SSLv2 cipher kind
    /// DHE suites: the size of the DH prime the server sent in its ServerKeyExchange; 0 when
    /// not a DHE suite or not read.
    int dhBits = 0;
    /// ECDHE suites and TLS 1.3: the group the server chose ("x25519", "secp256r1",
    /// "ffdhe2048"); empty when not known.
    QString group;
    friend bool operator==(const AcceptedSuite&, const AcceptedSuite&) = default;
};

struct TlsAuditInfo
{
    /// Per version ("SSLv2", "SSLv3", "TLSv1.0" ... "TLSv1.3"): every suite the server accepted,
    /// found by raw ClientHello probes over the whole registry; in the server's order when it
    /// imposes one (cipherOrder "server"), else strongest first. Empty when ciphers were not
    /// enumerated. run.ciphers holds the same suites by display name.
    QMap<QString, QList<AcceptedSuite>> suites;
    /// Per version: the key-exchange groups the server accepts ("x25519", "secp256r1",
    /// "ffdhe2048"), in the server's order when it has one. Empty when not probed.
    QMap<QString, QStringList> groups;
    /// Per version ("TLSv1.2"): the alert or error text, or why it was not testable here.
    QMap<QString, QString> versionDetails;
    /// Per version: "server" (the server imposes its order), "client" (it follows the client's),
    /// or "unknown" (one cipher, or inconsistent answers).
    QMap<QString, QString> cipherOrder;
    /// Weak ciphers among the accepted ones, per version, with the reason ("3DES", ...).
    QMap<QString, QStringList> weakCiphers;
    /// "vulnerable", "not-vulnerable", "not-applicable" or "error"; empty when not probed.
    QString commandInjection;
    QString commandInjectionDetail;
    /// "good", "revoked", "unknown", "none" or "error"; empty when not probed.
    QString ocsp;
    int probeCount = 0;
    qint64 durationMs = 0;
    /// Parts of the audit that had not finished when the run ended (the run deadline), in words,
    /// e.g. "TLSv1.1 version probe"; empty when the audit was complete.
    QStringList unfinished;
    /// What the audit could not test and why (no TLS answer even after retries, or a preamble
    /// that failed); non-empty makes the verdict UNKNOWN unless something critical was found.
    QStringList untested;
    /// Probes tried again because they got no TLS answer the first time.
    int retries = 0;
};

/// The test message's outcome (SMTP `send`).
struct MessageInfo
{
    QString messageId;
    QString queueReply;
};

/// Settings that should work where the run's did not, when the run found out why (the port
/// expects TLS at once, another protocol answered). Front ends offer the corrected run.
struct RunSuggestion
{
    Protocol protocol = Protocol::Smtp;
    TlsMode tls = TlsMode::StartTls;
    QString reason; ///< one translated sentence: why these settings
};

/**
 * A diagnostic run as data: the single source of what every front end shows.
 * The engine appends to it while it runs; renderers and views only read it.
 */
struct Run
{
    RunTarget target;
    QDateTime startedAt;
    qint64 durationMs = 0;
    QList<StepRecord> steps;
    QList<TranscriptEntry> transcript;
    QStringList capabilitiesPlain;
    QStringList capabilitiesTls;
    std::optional<TlsFacts> tls;
    QList<CertificateInfo> certificates;
    QMap<QString, QString> tlsVersions;
    QMap<QString, QStringList> ciphers;
    /// Set when a TLS audit ran beside the conversation.
    std::optional<TlsAuditInfo> tlsAudit;
    QList<Finding> findings;
    std::optional<MessageInfo> message;
    /// Set when the run learned which settings would work (implicit-tls-expected, wrong-protocol).
    std::optional<RunSuggestion> suggestion;
    /// True when transcripts hold secrets in clear because the user asked (--show-secrets).
    bool secretsShown = false;
    /// True when the run ended before its plan was done (bad options, stopped by the user, the
    /// run deadline): a partial run, whose verdict is UNKNOWN unless something critical was found.
    bool aborted = false;
    /// What was cut to keep the run bounded.
    RunTruncation truncation;

    Verdict verdict() const;
    bool hasFinding(const QString& id) const;
    const Finding* finding(const QString& id) const;
    const StepRecord* step(StepId id) const;
    /// Indexes of the transcript lines a step produced.
    QList<int> transcriptLinesOf(int stepIndex) const;
};
