#include "DemoCertificateStore.h"

#include "DemoConnection.h"
#include "DemoServer.h"

#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSaveFile>
#include <QStandardPaths>

namespace {

constexpr int SchemaVersion = 1;
constexpr int LockWaitMs = 10000;
/// A lock older than this is from a crashed process (issuing the set takes well under a second).
constexpr int StaleLockMs = 30000;

QString storeName() { return QStringLiteral("demo-certificates.json"); }
QString caName() { return QStringLiteral("demo-ca.pem"); }

struct Deleter
{
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
};
template<typename T> using Owned = std::unique_ptr<T, Deleter>;

Owned<X509> readCertificate(const QByteArray& pem)
{
    Owned<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return Owned<X509>(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

Owned<EVP_PKEY> readKey(const QByteArray& pem)
{
    Owned<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return Owned<EVP_PKEY>(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

/// The set's members by the names they are stored under.
struct Member
{
    const char* name;
    IssuedCertificate DemoCertificates::*field;
};
constexpr Member Members[] = {
    {"root", &DemoCertificates::root},
    {"intermediate", &DemoCertificates::intermediate},
    {"good", &DemoCertificates::good},
    {"expired", &DemoCertificates::expired},
    {"wrong_host", &DemoCertificates::wrongHost},
    {"self_signed", &DemoCertificates::selfSigned},
};

QByteArray toJson(const DemoCertificates& set)
{
    QJsonObject members;
    for (const Member& m : Members) {
        const IssuedCertificate& c = set.*m.field;
        members.insert(
            QLatin1String(m.name),
            QJsonObject {{QStringLiteral("certificate"), QString::fromLatin1(c.certificate.toPem())},
                         {QStringLiteral("key"), QString::fromLatin1(c.keyPem)}});
    }
    return QJsonDocument(
               QJsonObject {
                   {QStringLiteral("schema_version"), SchemaVersion},
                   {QStringLiteral("about"),
                    QStringLiteral("The Mailscope demo server's certificates and keys: for demonstration "
                                   "only, never trust them. Delete this folder to get new ones.")},
                   {QStringLiteral("certificates"), members},
               })
        .toJson(QJsonDocument::Indented);
}

/// The set in `bytes`, or why there is none. Keys are checked against their certificates later.
std::optional<DemoCertificates> fromJson(const QByteArray& bytes, QString* why)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (!doc.isObject()) {
        *why = parseError.error != QJsonParseError::NoError
                   ? DemoCertificateStore::tr("not JSON (%1 at byte %2)")
                         .arg(parseError.errorString())
                         .arg(parseError.offset)
                   : DemoCertificateStore::tr("not a JSON object");
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("schema_version")).toInt(-1) != SchemaVersion) {
        *why = DemoCertificateStore::tr("schema_version is not %1").arg(SchemaVersion);
        return std::nullopt;
    }
    const QJsonObject members = root.value(QStringLiteral("certificates")).toObject();
    DemoCertificates set;
    for (const Member& m : Members) {
        const QJsonObject entry = members.value(QLatin1String(m.name)).toObject();
        const QByteArray certPem = entry.value(QStringLiteral("certificate")).toString().toLatin1();
        const QByteArray keyPem = entry.value(QStringLiteral("key")).toString().toLatin1();
        IssuedCertificate& c = set.*m.field;
        c.certificate = QSslCertificate(certPem, QSsl::Pem);
        const Owned<EVP_PKEY> key = readKey(keyPem);
        if (c.certificate.isNull() || !key) {
            *why = DemoCertificateStore::tr("the %1 certificate or its key is missing or unreadable")
                       .arg(QLatin1String(m.name));
            return std::nullopt;
        }
        const int type = EVP_PKEY_get_base_id(key.get());
        if (type != EVP_PKEY_EC && type != EVP_PKEY_RSA) {
            *why = DemoCertificateStore::tr("the %1 key is neither EC nor RSA").arg(QLatin1String(m.name));
            return std::nullopt;
        }
        c.keyPem = keyPem;
        c.key = QSslKey(keyPem, type == EVP_PKEY_RSA ? QSsl::Rsa : QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
        if (c.key.isNull()) {
            *why = DemoCertificateStore::tr("the %1 key is unreadable").arg(QLatin1String(m.name));
            return std::nullopt;
        }
    }
    return set;
}

/// Reads at most MaxStoreBytes of a regular file; nullopt with `why` otherwise.
std::optional<QByteArray> readBounded(const QString& path, QString* why)
{
    const QFileInfo info(path);
    if (!info.isFile()) {
        // Never open a FIFO or a device: a read could block forever.
        *why = DemoCertificateStore::tr("not a regular file");
        return std::nullopt;
    }
    if (info.size() > DemoCertificateStore::MaxStoreBytes) {
        *why = DemoCertificateStore::tr("larger than %1 bytes").arg(DemoCertificateStore::MaxStoreBytes);
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *why = file.errorString();
        return std::nullopt;
    }
    QByteArray bytes = file.read(DemoCertificateStore::MaxStoreBytes + 1);
    if (bytes.size() > DemoCertificateStore::MaxStoreBytes) {
        *why = DemoCertificateStore::tr("larger than %1 bytes").arg(DemoCertificateStore::MaxStoreBytes);
        return std::nullopt;
    }
    return bytes;
}

/// Writes `bytes` to `path` atomically; an error message, or empty.
QString writeAtomically(const QString& path, const QByteArray& bytes, bool ownerOnly)
{
    const QFileInfo info(path);
    // QSaveFile would replace a FIFO or a device with a regular file: leave those alone.
    if ((info.exists() || info.isSymLink()) && !info.isFile())
        return DemoCertificateStore::tr("%1 is not a regular file; it is not replaced").arg(path);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return DemoCertificateStore::tr("cannot write %1: %2").arg(path, file.errorString());
    if (ownerOnly)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return DemoCertificateStore::tr("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace

QString DemoCertificateStore::defaultDirectory()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return base.isEmpty() ? QString() : base + QStringLiteral("/Mailscope/demo");
}

QString DemoCertificateStore::problemWith(const DemoCertificates& set)
{
    if (set.isNull())
        return tr("a certificate is missing");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Member& m : Members) {
        const IssuedCertificate& c = set.*m.field;
        const QString name = QLatin1String(m.name);
        const Owned<X509> x509 = readCertificate(c.certificate.toPem());
        const Owned<EVP_PKEY> key = readKey(c.keyPem);
        if (!x509 || !key || c.key.isNull())
            return tr("the %1 certificate or its key is unreadable").arg(name);
        if (X509_check_private_key(x509.get(), key.get()) != 1)
            return tr("the %1 key does not belong to its certificate").arg(name);
        if (c.certificate.effectiveDate() > now)
            return tr("the %1 certificate is not valid yet").arg(name);
        const bool meantExpired = m.field == &DemoCertificates::expired;
        if (meantExpired && c.certificate.expiryDate() >= now)
            return tr("the expired certificate has not expired");
        if (!meantExpired && c.certificate.expiryDate() < now.addDays(RenewDaysBeforeExpiry))
            return tr("the %1 certificate expires on %2")
                .arg(name, c.certificate.expiryDate().toString(Qt::ISODate));
    }
    // Who signed whom: the root and the self-signed leaf themselves, the intermediate the root,
    // the other leaves the intermediate (which a scenario's server sends along).
    const auto signedBy = [](const IssuedCertificate& child, const IssuedCertificate& parent) {
        const Owned<X509> c = readCertificate(child.certificate.toPem());
        const Owned<X509> p = readCertificate(parent.certificate.toPem());
        return c && p && X509_verify(c.get(), X509_get0_pubkey(p.get())) == 1;
    };
    if (!signedBy(set.root, set.root) || !signedBy(set.intermediate, set.root))
        return tr("the demo CA's chain does not link");
    if (!signedBy(set.good, set.intermediate) || !signedBy(set.expired, set.intermediate)
        || !signedBy(set.wrongHost, set.intermediate) || !signedBy(set.selfSigned, set.selfSigned))
        return tr("a server certificate is not signed by the demo CA");
    if (!set.good.certificate.subjectAlternativeNames()
             .values(QSsl::DnsEntry)
             .contains(DemoServer::hostName()))
        return tr("the good certificate is not for %1").arg(DemoServer::hostName());
    return {};
}

std::optional<DemoCertificateStore::Loaded> DemoCertificateStore::loadOrIssue(const QString& directory,
                                                                              QString* error)
{
    if (directory.isEmpty()) {
        *error = tr("no data folder (is HOME set?)");
        return std::nullopt;
    }
    if (!QDir().mkpath(directory)) {
        *error = tr("cannot create the folder %1").arg(directory);
        return std::nullopt;
    }
    const QString storePath = QDir(directory).filePath(storeName());
    const QString caPath = QDir(directory).filePath(caName());

    // The app and `mailscope-cli demo` may start together: one issues, the other reads its set.
    QLockFile lock(QDir(directory).filePath(QStringLiteral("demo-certificates.lock")));
    lock.setStaleLockTime(StaleLockMs);
    if (!lock.tryLock(LockWaitMs)) {
        *error = lock.error() == QLockFile::LockFailedError
                     ? tr("the folder %1 stays locked by another Mailscope").arg(directory)
                     : tr("cannot write in the folder %1").arg(directory);
        return std::nullopt;
    }

    Loaded loaded;
    loaded.caFile = caPath;
    QString why;
    std::optional<DemoCertificates> stored;
    if (QFileInfo::exists(storePath) || QFileInfo(storePath).isSymLink()) {
        if (const std::optional<QByteArray> bytes = readBounded(storePath, &why))
            stored = fromJson(*bytes, &why);
        if (stored)
            why = problemWith(*stored);
        if (!why.isEmpty()) {
            qCWarning(lcDemo).noquote()
                << QStringLiteral("The stored demo certificates in %1 cannot be used (%2): "
                                  "issuing new ones. Profiles that trust the old demo CA "
                                  "or certificate need it trusted again.")
                       .arg(storePath, why);
            stored.reset();
        }
    }
    if (stored) {
        loaded.certificates = std::move(*stored);
    } else {
        loaded.certificates = DemoCertificates::generate();
        if (loaded.certificates.isNull()) {
            *error = tr("could not issue the demo certificates");
            return std::nullopt;
        }
        loaded.issued = true;
        if (const QString e = writeAtomically(storePath, toJson(loaded.certificates), true); !e.isEmpty()) {
            *error = e;
            return std::nullopt;
        }
        qCDebug(lcDemo).noquote()
            << QStringLiteral("Issued the demo certificates, kept in %1").arg(directory);
    }

    // The CA file a profile refers to: rewritten whenever it is not exactly the stored root.
    const QByteArray caPem = loaded.certificates.root.certificate.toPem();
    QString caWhy;
    if (readBounded(caPath, &caWhy).value_or(QByteArray()) != caPem) {
        if (const QString e = writeAtomically(caPath, caPem, false); !e.isEmpty()) {
            *error = e;
            return std::nullopt;
        }
    }
    return loaded;
}
