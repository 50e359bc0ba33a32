#include "TestPki.h"

#include <QDateTime>
#include <QHostAddress>

namespace {

CertificateRequest serverRequest(const QString& name = QStringLiteral("localhost"))
{
    CertificateRequest r;
    r.commonName = name;
    r.organization = QStringLiteral("Mailscope tests");
    r.dnsNames = {name};
    if (name == QLatin1String("localhost"))
        r.ipAddresses = {QHostAddress(QHostAddress::LocalHost)};
    return r;
}

CertificateRequest caRequest(const QString& name)
{
    CertificateRequest r;
    r.commonName = name;
    r.organization = QStringLiteral("Mailscope tests");
    r.isCa = true;
    r.notBefore = QDateTime::currentDateTimeUtc().addDays(-2);
    r.notAfter = QDateTime::currentDateTimeUtc().addYears(5);
    return r;
}

} // namespace

const TestPki& TestPki::instance()
{
    static const TestPki certificates;
    return certificates;
}

TestPki::TestPki()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_root = CertificateFactory::selfSigned(caRequest(QStringLiteral("Mailscope Test Root CA")));
    m_intermediate =
        CertificateFactory::issue(caRequest(QStringLiteral("Mailscope Test Intermediate CA")), m_root);
    m_otherRoot = CertificateFactory::selfSigned(caRequest(QStringLiteral("Untrusted Other Root CA")));

    m_good = CertificateFactory::issue(serverRequest(), m_intermediate);

    CertificateRequest expired = serverRequest();
    expired.notBefore = now.addDays(-60);
    expired.notAfter = now.addDays(-30);
    m_expired = CertificateFactory::issue(expired, m_intermediate);

    CertificateRequest future = serverRequest();
    future.notBefore = now.addDays(30);
    future.notAfter = now.addDays(400);
    m_notYetValid = CertificateFactory::issue(future, m_intermediate);

    m_wrongHost =
        CertificateFactory::issue(serverRequest(QStringLiteral("mail.wrong.invalid")), m_intermediate);
    m_selfSigned = CertificateFactory::selfSigned(serverRequest());
    m_untrusted = CertificateFactory::issue(serverRequest(), m_otherRoot);

    m_valid = !m_root.isNull() && !m_intermediate.isNull() && !m_otherRoot.isNull() && !m_good.isNull()
              && !m_expired.isNull() && !m_notYetValid.isNull() && !m_wrongHost.isNull()
              && !m_selfSigned.isNull() && !m_untrusted.isNull();
}

TestPki::Identity TestPki::identity(Kind kind) const
{
    switch (kind) {
    case Kind::Good:
        return {{m_good.certificate, m_intermediate.certificate}, m_good.key};
    case Kind::Expired:
        return {{m_expired.certificate, m_intermediate.certificate}, m_expired.key};
    case Kind::NotYetValid:
        return {{m_notYetValid.certificate, m_intermediate.certificate}, m_notYetValid.key};
    case Kind::WrongHost:
        return {{m_wrongHost.certificate, m_intermediate.certificate}, m_wrongHost.key};
    case Kind::SelfSigned:
        return {{m_selfSigned.certificate}, m_selfSigned.key};
    case Kind::UntrustedCa:
        // The other root is not sent: a server that "forgot" nothing, its CA is simply unknown.
        return {{m_untrusted.certificate}, m_untrusted.key};
    }
    return {};
}

QString TestPki::name(Kind kind)
{
    switch (kind) {
    case Kind::Good:
        return QStringLiteral("good");
    case Kind::Expired:
        return QStringLiteral("expired");
    case Kind::NotYetValid:
        return QStringLiteral("not-yet-valid");
    case Kind::WrongHost:
        return QStringLiteral("wrong-host");
    case Kind::SelfSigned:
        return QStringLiteral("self-signed");
    case Kind::UntrustedCa:
        return QStringLiteral("untrusted-ca");
    }
    return {};
}
