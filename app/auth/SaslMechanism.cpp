#include "SaslMechanism.h"

#include "CramMd5Mechanism.h"
#include "LoginMechanism.h"
#include "PlainMechanism.h"
#include "XOAuth2Mechanism.h"

SaslMechanism::SaslMechanism(QString user, QByteArray secret)
    : m_user(std::move(user))
    , m_secret(std::move(secret))
{
}

SaslMechanism::~SaslMechanism() = default;

QList<QByteArray> SaslMechanism::supported()
{
    // CRAM-MD5 first: it never puts the password on the wire, not even inside TLS. PLAIN before
    // LOGIN: the same secret, one round trip instead of two, and a standard (RFC 4616) rather than
    // a de-facto one. XOAUTH2 last: it needs a token, not a password.
    return {QByteArrayLiteral("CRAM-MD5"), QByteArrayLiteral("PLAIN"), QByteArrayLiteral("LOGIN"),
            QByteArrayLiteral("XOAUTH2")};
}

QByteArray SaslMechanism::choose(const QStringList& offered, const QString& requested)
{
    QList<QByteArray> upperOffered;
    for (const QString& m : offered)
        upperOffered.append(m.trimmed().toUpper().toLatin1());
    const QByteArray wanted = requested.trimmed().toUpper().toLatin1();
    if (!wanted.isEmpty() && wanted != "AUTO") {
        if (supported().contains(wanted) && upperOffered.contains(wanted))
            return wanted;
        return {};
    }
    for (const QByteArray& m : supported()) {
        if (m == "XOAUTH2")
            continue;
        if (upperOffered.contains(m))
            return m;
    }
    return {};
}

std::unique_ptr<SaslMechanism> SaslMechanism::create(const QByteArray& name, const QString& user,
                                                     const QByteArray& secret)
{
    const QByteArray upper = name.toUpper();
    if (upper == "PLAIN")
        return std::make_unique<PlainMechanism>(user, secret);
    if (upper == "LOGIN")
        return std::make_unique<LoginMechanism>(user, secret);
    if (upper == "CRAM-MD5")
        return std::make_unique<CramMd5Mechanism>(user, secret);
    if (upper == "XOAUTH2")
        return std::make_unique<XOAuth2Mechanism>(user, secret);
    return nullptr;
}
