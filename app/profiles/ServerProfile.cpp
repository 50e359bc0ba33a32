#include "ServerProfile.h"

#include "dns/UnboundResolver.h"
#include "tls/TrustAssessment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ServerProfile", text); }

QJsonArray toArray(const QStringList& list)
{
    QJsonArray a;
    for (const QString& s : list)
        a.append(s);
    return a;
}

QString isoUtc(const QDateTime& t) { return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString(); }

bool hasControlCharacters(const QString& s)
{
    return std::any_of(s.cbegin(), s.cend(), [](QChar c) { return c.category() == QChar::Other_Control; });
}

/// Reads fields one by one with their expected JSON type; the first mismatch names the field.
class FieldReader
{
public:
    explicit FieldReader(const QJsonObject& object)
        : m_object(object)
    {
    }

    QString text(const QString& key, int maxLength, const QString& fallback = {})
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return fallback;
        if (!v.isString())
            return fail(tr("\"%1\" must be text").arg(key)), fallback;
        const QString s = v.toString();
        if (s.size() > maxLength)
            return fail(tr("\"%1\" is longer than %2 characters").arg(key).arg(maxLength)), fallback;
        return s;
    }

    bool flag(const QString& key, bool fallback = false)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return fallback;
        if (!v.isBool())
            return fail(tr("\"%1\" must be true or false").arg(key)), fallback;
        return v.toBool();
    }

    int integer(const QString& key, int min, int max, int fallback)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return fallback;
        const double d = v.toDouble();
        // Range first: casting a double outside qint64's range (1e300, say) is undefined.
        if (!v.isDouble() || !(d >= min && d <= max) || d != std::trunc(d))
            return fail(tr("\"%1\" must be a whole number from %2 to %3").arg(key).arg(min).arg(max)),
                   fallback;
        return int(d);
    }

    QStringList texts(const QString& key, int maxLength)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isArray())
            return fail(tr("\"%1\" must be a list of texts").arg(key)), QStringList();
        const QJsonArray a = v.toArray();
        if (a.size() > ServerProfile::MaxListLength)
            return fail(tr("\"%1\" has more than %2 entries").arg(key).arg(ServerProfile::MaxListLength)),
                   QStringList();
        QStringList out;
        for (const QJsonValue& item : a) {
            if (!item.isString() || item.toString().size() > maxLength)
                return fail(tr("\"%1\" must be a list of texts of at most %2 characters")
                                .arg(key)
                                .arg(maxLength)),
                       QStringList();
            out.append(item.toString());
        }
        return out;
    }

    QJsonObject object(const QString& key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isObject())
            return fail(tr("\"%1\" must be an object").arg(key)), QJsonObject();
        return v.toObject();
    }

    QJsonArray array(const QString& key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isArray())
            return fail(tr("\"%1\" must be a list").arg(key)), QJsonArray();
        return v.toArray();
    }

    QDateTime time(const QString& key)
    {
        const QString s = text(key, 64);
        if (s.isEmpty())
            return {};
        QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (!t.isValid())
            fail(tr("\"%1\" must be an ISO 8601 time").arg(key));
        return t;
    }

    void fail(const QString& message)
    {
        if (m_error.isEmpty())
            m_error = message;
    }
    QString error() const { return m_error; }

private:
    QJsonObject m_object;
    QString m_error;
};

QString validateDomain(const ServerProfile& p)
{
    // The syntax DomainCheck::isValidDomain accepts (profiles/ does not look up to domain/).
    static const QRegularExpression syntax(QStringLiteral(
        "^([A-Za-z0-9_]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?$"));
    if (p.domain.isEmpty())
        return tr("Profile \"%1\" has no mail domain.").arg(p.name);
    if (p.domain.size() > ServerProfile::MaxHostLength || !syntax.match(p.domain).hasMatch())
        return tr("Profile \"%1\": \"%2\" is not a domain name.").arg(p.name, p.domain.left(80));
    if (p.demoDomain && (!p.dnsServer.isEmpty() || !p.trustAnchorFile.isEmpty()))
        return tr("Profile \"%1\": the demo's domains are answered in-process; a DNS server or trust "
                  "anchor does not apply.")
            .arg(p.name);
    QString why;
    if (!p.dnsServer.isEmpty() && !UnboundResolver::isValidServer(p.dnsServer, &why))
        return tr("Profile \"%1\": %2").arg(p.name, why);
    if (hasControlCharacters(p.trustAnchorFile))
        return tr("Profile \"%1\": the trust anchor path contains control characters.").arg(p.name);
    return {};
}

} // namespace

bool ServerProfile::operator==(const ServerProfile& o) const { return toJson() == o.toJson(); }

QString ServerProfile::newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

std::optional<ProbeOptions> ServerProfile::toProbeOptions(QString* error) const
{
    ProbeOptions p;
    p.host = host;
    p.port = port;
    p.protocol = protocol;
    p.tls = tls;
    p.policy = policy;
    p.heloName = heloName;
    p.authMechanism = authMechanism;
    p.user = user;
    p.insecure = insecure;
    p.stepTimeoutMs = stepTimeoutMs;
    p.expiryWarningDays = expiryWarningDays;
    p.stopAfter = stopAfter;
    p.audit = audit;
    for (const AcceptedCertificate& c : acceptedCertificates)
        p.acceptedCertificates.append(c.sha256);
    for (const QString& path : caFiles) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = tr("Profile \"%1\": cannot read the CA file %2: %3").arg(name, path, file.errorString());
            return std::nullopt;
        }
        // A CA bundle is small; a bound keeps a wrong path (a disk image, a device) harmless.
        const QList<QSslCertificate> certs =
            QSslCertificate::fromData(file.read(16 * 1024 * 1024), QSsl::Pem);
        if (certs.isEmpty()) {
            *error = tr("Profile \"%1\": the CA file %2 holds no PEM certificate").arg(name, path);
            return std::nullopt;
        }
        p.extraCaCertificates += certs;
    }
    return p;
}

ServerProfile ServerProfile::fromProbeOptions(const QString& name, const ProbeOptions& p,
                                              const QStringList& caFiles)
{
    ServerProfile s;
    s.name = name;
    s.host = p.host;
    s.port = p.port;
    s.protocol = p.protocol;
    s.tls = p.tls;
    s.policy = p.policy;
    s.heloName = p.heloName;
    s.authMechanism = p.authMechanism;
    s.user = p.user;
    s.insecure = p.insecure;
    s.stepTimeoutMs = p.stepTimeoutMs;
    s.expiryWarningDays = p.expiryWarningDays;
    s.stopAfter = p.stopAfter;
    s.audit = p.audit;
    s.caFiles = caFiles;
    for (const QString& f : p.acceptedCertificates)
        s.acceptedCertificates.append({TrustAssessment::normalizedFingerprint(f), {}, {}});
    return s;
}

QString ServerProfile::kindKey(ProfileKind kind)
{
    return kind == ProfileKind::Domain ? QStringLiteral("domain") : QStringLiteral("server");
}

std::optional<ProfileKind> ServerProfile::kindFromKey(const QString& key)
{
    if (key == QLatin1String("server"))
        return ProfileKind::Server;
    if (key == QLatin1String("domain"))
        return ProfileKind::Domain;
    return std::nullopt;
}

QJsonObject ServerProfile::toJson() const
{
    if (isDomain()) {
        // Only what a domain check uses: a server field here would be a setting nobody can see.
        QJsonObject o {
            {QStringLiteral("kind"), kindKey(kind)},
            {QStringLiteral("id"), id},
            {QStringLiteral("revision"), revision},
            {QStringLiteral("name"), name},
            {QStringLiteral("domain"), domain},
            {QStringLiteral("dns"), QJsonObject {{QStringLiteral("server"), dnsServer},
                                                 {QStringLiteral("trust_anchor"), trustAnchorFile},
                                                 {QStringLiteral("demo"), demoDomain}}},
            {QStringLiteral("notes"), notes},
        };
        if (createdAt.isValid())
            o.insert(QStringLiteral("created_at"), isoUtc(createdAt));
        if (updatedAt.isValid())
            o.insert(QStringLiteral("updated_at"), isoUtc(updatedAt));
        return o;
    }
    // A server profile has no "kind": files written before domain profiles stay byte for byte the
    // same, and an older Mailscope reads them as it always did.
    QJsonArray accepted;
    for (const AcceptedCertificate& c : acceptedCertificates) {
        QJsonObject o {{QStringLiteral("sha256"), c.sha256}};
        if (!c.subject.isEmpty())
            o.insert(QStringLiteral("subject"), c.subject);
        if (c.acceptedAt.isValid())
            o.insert(QStringLiteral("accepted_at"), isoUtc(c.acceptedAt));
        accepted.append(o);
    }
    QJsonObject o {
        {QStringLiteral("id"), id},
        {QStringLiteral("revision"), revision},
        {QStringLiteral("name"), name},
        {QStringLiteral("host"), host},
        {QStringLiteral("port"), int(port)},
        {QStringLiteral("protocol"), toKey(protocol)},
        {QStringLiteral("tls"), toKey(tls)},
        {QStringLiteral("policy"), toKey(policy)},
        {QStringLiteral("helo"), heloName},
        {QStringLiteral("auth"), QJsonObject {{QStringLiteral("mechanism"), authMechanism},
                                              {QStringLiteral("user"), user},
                                              {QStringLiteral("password_stored"), passwordStored}}},
        {QStringLiteral("trust"), QJsonObject {{QStringLiteral("ca_files"), toArray(caFiles)},
                                               {QStringLiteral("accepted_certificates"), accepted},
                                               {QStringLiteral("insecure"), insecure}}},
        {QStringLiteral("timeout_ms"), stepTimeoutMs},
        {QStringLiteral("expiry_warning_days"), expiryWarningDays},
        {QStringLiteral("audit"), QJsonObject {{QStringLiteral("tls_versions"), audit.versions},
                                               {QStringLiteral("ciphers"), audit.ciphers},
                                               {QStringLiteral("injection_test"), audit.commandInjection},
                                               {QStringLiteral("ocsp"), audit.ocsp}}},
        {QStringLiteral("notes"), notes},
        {QStringLiteral("test_message"),
         QJsonObject {{QStringLiteral("from"), mailFrom}, {QStringLiteral("to"), toArray(rcptTo)}}},
    };
    if (stopAfter)
        o.insert(QStringLiteral("stop_after"), toKey(*stopAfter));
    if (createdAt.isValid())
        o.insert(QStringLiteral("created_at"), isoUtc(createdAt));
    if (updatedAt.isValid())
        o.insert(QStringLiteral("updated_at"), isoUtc(updatedAt));
    return o;
}

std::optional<ServerProfile> ServerProfile::fromJson(const QJsonObject& object, QString* error)
{
    ServerProfile p;
    FieldReader r(object);
    p.id = r.text(QStringLiteral("id"), 64);
    p.revision = r.integer(QStringLiteral("revision"), 0, std::numeric_limits<int>::max(), 0);
    p.name = r.text(QStringLiteral("name"), MaxNameLength);
    const QString kind = r.text(QStringLiteral("kind"), 32, QStringLiteral("server"));
    if (r.error().isEmpty()) {
        const std::optional<ProfileKind> k = kindFromKey(kind);
        if (!k) {
            // A kind from a newer Mailscope: refused by name, never guessed at.
            *error = tr("\"kind\" must be server or domain, not \"%1\"").arg(kind.left(40));
            return std::nullopt;
        }
        p.kind = *k;
    }
    if (p.isDomain() && r.error().isEmpty()) {
        p.domain = r.text(QStringLiteral("domain"), MaxHostLength);
        FieldReader dns(r.object(QStringLiteral("dns")));
        p.dnsServer = dns.text(QStringLiteral("server"), MaxFieldLength);
        p.trustAnchorFile = dns.text(QStringLiteral("trust_anchor"), MaxFieldLength);
        p.demoDomain = dns.flag(QStringLiteral("demo"));
        p.notes = r.text(QStringLiteral("notes"), MaxNotesLength);
        p.createdAt = r.time(QStringLiteral("created_at"));
        p.updatedAt = r.time(QStringLiteral("updated_at"));
        for (const FieldReader* reader : {&r, &dns}) {
            if (!reader->error().isEmpty()) {
                *error = reader->error();
                return std::nullopt;
            }
        }
        const QString problem = p.validate();
        if (!problem.isEmpty()) {
            *error = problem;
            return std::nullopt;
        }
        return p;
    }
    p.host = r.text(QStringLiteral("host"), MaxHostLength);
    p.port = quint16(r.integer(QStringLiteral("port"), 1, 65535, 587));
    const QString protocol = r.text(QStringLiteral("protocol"), 16, QStringLiteral("smtp"));
    const QString tls = r.text(QStringLiteral("tls"), 16, QStringLiteral("starttls"));
    const QString policy = r.text(QStringLiteral("policy"), 16, QStringLiteral("enforce"));
    p.heloName = r.text(QStringLiteral("helo"), MaxFieldLength, p.heloName);

    FieldReader auth(r.object(QStringLiteral("auth")));
    p.authMechanism = auth.text(QStringLiteral("mechanism"), 16, p.authMechanism);
    p.user = auth.text(QStringLiteral("user"), MaxFieldLength);
    p.passwordStored = auth.flag(QStringLiteral("password_stored"));

    FieldReader trust(r.object(QStringLiteral("trust")));
    p.caFiles = trust.texts(QStringLiteral("ca_files"), MaxFieldLength);
    p.insecure = trust.flag(QStringLiteral("insecure"));
    const QJsonArray accepted = trust.array(QStringLiteral("accepted_certificates"));
    if (accepted.size() > MaxListLength)
        trust.fail(tr("\"accepted_certificates\" has more than %1 entries").arg(MaxListLength));
    for (qsizetype i = 0; i < accepted.size() && accepted.size() <= MaxListLength; ++i) {
        if (!accepted.at(i).isObject()) {
            trust.fail(tr("\"accepted_certificates\" must be a list of objects"));
            break;
        }
        FieldReader c(accepted.at(i).toObject());
        AcceptedCertificate cert;
        const QString raw = c.text(QStringLiteral("sha256"), 128);
        cert.sha256 = TrustAssessment::normalizedFingerprint(raw);
        cert.subject = c.text(QStringLiteral("subject"), MaxFieldLength);
        cert.acceptedAt = c.time(QStringLiteral("accepted_at"));
        if (!c.error().isEmpty())
            trust.fail(c.error());
        else if (cert.sha256.isEmpty())
            trust.fail(tr("\"%1\" is not a SHA-256 fingerprint").arg(raw));
        p.acceptedCertificates.append(cert);
    }

    p.stepTimeoutMs = r.integer(QStringLiteral("timeout_ms"), 100, 3600 * 1000, p.stepTimeoutMs);
    p.expiryWarningDays = r.integer(QStringLiteral("expiry_warning_days"), 0, 3650, p.expiryWarningDays);
    const QString stop = r.text(QStringLiteral("stop_after"), 32);
    FieldReader audit(r.object(QStringLiteral("audit")));
    p.audit.versions = audit.flag(QStringLiteral("tls_versions"));
    p.audit.ciphers = audit.flag(QStringLiteral("ciphers"));
    p.audit.commandInjection = audit.flag(QStringLiteral("injection_test"));
    p.audit.ocsp = audit.flag(QStringLiteral("ocsp"));
    p.notes = r.text(QStringLiteral("notes"), MaxNotesLength);
    FieldReader message(r.object(QStringLiteral("test_message")));
    p.mailFrom = message.text(QStringLiteral("from"), MaxFieldLength);
    p.rcptTo = message.texts(QStringLiteral("to"), MaxFieldLength);
    p.createdAt = r.time(QStringLiteral("created_at"));
    p.updatedAt = r.time(QStringLiteral("updated_at"));

    for (const FieldReader* reader : {&r, &auth, &trust, &audit, &message}) {
        if (!reader->error().isEmpty()) {
            *error = reader->error();
            return std::nullopt;
        }
    }
    const auto protocolValue = protocolFromString(protocol);
    const auto tlsValue = tlsModeFromString(tls);
    const auto policyValue = policyFromString(policy);
    if (!protocolValue || !tlsValue || !policyValue) {
        *error = !protocolValue ? tr("\"protocol\" must be smtp, imap or pop3, not \"%1\"").arg(protocol)
                 : !tlsValue    ? tr("\"tls\" must be starttls, implicit or none, not \"%1\"").arg(tls)
                                : tr("\"policy\" must be enforce or opportunistic, not \"%1\"").arg(policy);
        return std::nullopt;
    }
    p.protocol = *protocolValue;
    p.tls = *tlsValue;
    p.policy = *policyValue;
    if (!stop.isEmpty()) {
        p.stopAfter = stepIdFromString(stop);
        if (!p.stopAfter) {
            *error = tr("\"stop_after\": \"%1\" is not a step").arg(stop);
            return std::nullopt;
        }
    }
    const QString problem = p.validate();
    if (!problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return p;
}

QString ServerProfile::validate() const
{
    if (name.trimmed().isEmpty())
        return tr("A profile needs a name.");
    if (name.size() > MaxNameLength)
        return tr("The name is longer than %1 characters.").arg(MaxNameLength);
    if (hasControlCharacters(name))
        return tr("The name contains control characters.");
    if (isDomain())
        return validateDomain(*this);
    if (host.trimmed().isEmpty())
        return tr("Profile \"%1\" has no host.").arg(name);
    if (host.size() > MaxHostLength || host.contains(QLatin1Char(' ')) || hasControlCharacters(host))
        return tr("Profile \"%1\": \"%2\" is not a host name or address.").arg(name, host.left(80));
    if (port == 0)
        return tr("Profile \"%1\": the port must be from 1 to 65535.").arg(name);
    if (heloName.isEmpty() || heloName.contains(QLatin1Char(' ')) || hasControlCharacters(heloName))
        return tr("Profile \"%1\": the EHLO name must be a single host name.").arg(name);
    static const QStringList mechanisms {QStringLiteral("auto"), QStringLiteral("plain"),
                                         QStringLiteral("login"), QStringLiteral("cram-md5"),
                                         QStringLiteral("xoauth2")};
    if (!mechanisms.contains(authMechanism))
        return tr("Profile \"%1\": the login mechanism must be one of %2.")
            .arg(name, mechanisms.join(QStringLiteral(", ")));
    if (hasControlCharacters(user) || hasControlCharacters(mailFrom))
        return tr("Profile \"%1\": the user or sender contains control characters.").arg(name);
    if (passwordStored && user.isEmpty())
        return tr("Profile \"%1\": a stored password needs a user.").arg(name);
    for (const AcceptedCertificate& c : acceptedCertificates) {
        if (TrustAssessment::normalizedFingerprint(c.sha256).isEmpty())
            return tr("Profile \"%1\": \"%2\" is not a SHA-256 fingerprint.").arg(name, c.sha256.left(100));
    }
    if (caFiles.size() > MaxListLength || acceptedCertificates.size() > MaxListLength
        || rcptTo.size() > MaxListLength)
        return tr("Profile \"%1\": a list has more than %2 entries.").arg(name).arg(MaxListLength);
    if (stepTimeoutMs < 100 || stepTimeoutMs > 3600 * 1000)
        return tr("Profile \"%1\": the step timeout must be between 0.1 s and one hour.").arg(name);
    return {};
}
