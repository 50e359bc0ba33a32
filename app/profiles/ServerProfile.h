#pragma once

#include "run/Types.h"
#include "session/ProbeOptions.h"

#include <optional>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

/// A certificate the user decided to trust for one profile, whatever its issuer says.
struct AcceptedCertificate
{
    QString sha256; ///< colon-separated upper-case hex, as the report shows it
    QString subject; ///< for the user's memory only; the fingerprint decides
    QDateTime acceptedAt;
    bool operator==(const AcceptedCertificate&) const = default;
};

/// What a saved profile checks.
enum class ProfileKind
{
    Server, ///< one mail server (`mailscope-cli check --profile`)
    Domain, ///< a mail domain (`mailscope-cli domain --profile`): MX walk, DANE, MTA-STS, TLS-RPT
};

/**
 * One saved server: everything `mailscope-cli check` would use, plus notes and the defaults of the
 * test message. A value type: the store keeps a list of them, the CLI and the GUI edit copies.
 * It never holds a password, only whether one is in the keychain (SecretStore, under secretKey()).
 *
 * A profile of kind Domain is a saved mail domain instead: the domain and how to resolve it
 * (`--dns-server`, `--trust-anchor`, or the demo's in-process answers); the server fields keep
 * their defaults and are neither written nor read for it. Both kinds share the store, the names,
 * the ids (so the run history of either is kept under its id) and export/import.
 */
struct ServerProfile
{
    QString id; ///< stable across renames (the keychain entry is keyed by it)
    int revision = 0; ///< bumped by every save; detects an edit made by another instance
    ProfileKind kind = ProfileKind::Server;
    QString name;

    /// Kind Domain: the mail domain, and how it is resolved.
    QString domain;
    QString dnsServer; ///< ADDR[@PORT]; empty: the system's resolvers
    QString trustAnchorFile; ///< DS/DNSKEY file; empty: the root's trust anchor
    /// The demo's mail domains answered in-process, every MX the built-in demo server (no network).
    bool demoDomain = false;
    bool isDomain() const { return kind == ProfileKind::Domain; }
    QString host;
    quint16 port = 587;
    Protocol protocol = Protocol::Smtp;
    TlsMode tls = TlsMode::StartTls;
    TlsPolicy policy = TlsPolicy::Enforce;
    QString heloName = QStringLiteral("mailscope.invalid");

    QString authMechanism = QStringLiteral("auto");
    QString user;
    bool passwordStored = false;

    /// Trust: PEM files with extra CAs (absolute paths), certificates accepted by fingerprint, and
    /// the blanket override (--insecure), which stays a finding in every run.
    QStringList caFiles;
    QList<AcceptedCertificate> acceptedCertificates;
    bool insecure = false;

    int stepTimeoutMs = 15000;
    int expiryWarningDays = 21;
    std::optional<StepId> stopAfter;
    ProbeOptions::TlsAudit audit;

    QString notes;
    /// Defaults of the test message (the send pane).
    QString mailFrom;
    QStringList rcptTo;

    QDateTime createdAt;
    QDateTime updatedAt;

    bool operator==(const ServerProfile& other) const;

    /// A new, unique id (a UUID without braces).
    static QString newId();
    /// The keychain key of this profile's secret.
    QString secretKey() const { return QStringLiteral("profile/") + id; }

    /// The options a check of this profile runs with; the CA files are read here. `password` stays
    /// empty: the caller gets it from the command line or the keychain. Empty optional and `error`
    /// set when a CA file cannot be used.
    std::optional<ProbeOptions> toProbeOptions(QString* error) const;
    /// What a check with `options` would save (no password; CA files are given separately, since
    /// ProbeOptions only holds the certificates).
    static ServerProfile fromProbeOptions(const QString& name, const ProbeOptions& options,
                                          const QStringList& caFiles);

    /// JSON form (the store's and the export's). Never a secret.
    QJsonObject toJson() const;
    /// Reads and validates one profile; empty optional and a message naming the field on failure.
    static std::optional<ServerProfile> fromJson(const QJsonObject& object, QString* error);

    /// Empty when the profile can be saved; otherwise what is wrong, in words.
    QString validate() const;

    /// "server" or "domain" (the JSON's "kind"; absent means server, as in files before domains).
    static QString kindKey(ProfileKind kind);
    static std::optional<ProfileKind> kindFromKey(const QString& key);

    /// Bounds every profile (and so a hostile file) must respect.
    static constexpr int MaxNameLength = 200;
    static constexpr int MaxHostLength = 253; // RFC 1035 s.2.3.4 (a full domain name)
    static constexpr int MaxFieldLength = 1024; ///< user, EHLO name, addresses, paths
    static constexpr int MaxNotesLength = 16384;
    static constexpr int MaxListLength = 100; ///< CA files, accepted certificates, recipients
};
