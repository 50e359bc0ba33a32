#include "DemoCertificates.h"

#include "demo/DemoServer.h"

#include <QDateTime>
#include <QHostAddress>
#include <QSslCipher>
#include <QSslSocket>

namespace {

CertificateRequest leafFor(const QString& host, const QDateTime& now)
{
    CertificateRequest leaf;
    leaf.commonName = host;
    leaf.organization = QStringLiteral("Mailscope demo server");
    leaf.dnsNames = {host};
    leaf.notBefore = now.addDays(-1);
    leaf.notAfter = now.addDays(365);
    return leaf;
}

} // namespace

DemoCertificates DemoCertificates::generate()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString host = DemoServer::hostName();

    CertificateRequest root;
    root.commonName = QStringLiteral("Mailscope Demo CA \u2014 for demonstration only, never trust");
    root.organization = QStringLiteral("Mailscope demo (not a real CA)");
    root.isCa = true;
    root.notBefore = now.addDays(-730);
    root.notAfter = now.addDays(3650);

    CertificateRequest intermediate = root;
    intermediate.commonName = QStringLiteral("Mailscope Demo Intermediate CA \u2014 never trust");
    intermediate.notAfter = now.addDays(1825);

    CertificateRequest good = leafFor(host, now);
    good.ipAddresses = {QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)};

    // Validity entirely in the past: expired a month ago, after a year of life.
    CertificateRequest expired = leafFor(host, now);
    expired.ipAddresses = good.ipAddresses;
    expired.notBefore = now.addDays(-395);
    expired.notAfter = now.addDays(-30);

    const CertificateRequest wrongHost = leafFor(QStringLiteral("mail.wrong-host.invalid"), now);

    CertificateRequest selfSigned = leafFor(host, now);
    selfSigned.ipAddresses = good.ipAddresses;
    selfSigned.organization = QStringLiteral("Mailscope demo server (self-signed)");

    DemoCertificates set;
    set.root = CertificateFactory::selfSigned(root);
    if (set.root.isNull())
        return {};
    set.intermediate = CertificateFactory::issue(intermediate, set.root);
    if (set.intermediate.isNull())
        return {};
    set.good = CertificateFactory::issue(good, set.intermediate);
    set.expired = CertificateFactory::issue(expired, set.intermediate);
    set.wrongHost = CertificateFactory::issue(wrongHost, set.intermediate);
    set.selfSigned = CertificateFactory::selfSigned(selfSigned);
    return set;
}

bool DemoCertificates::isNull() const
{
    return root.isNull() || intermediate.isNull() || good.isNull() || expired.isNull() || wrongHost.isNull()
           || selfSigned.isNull();
}

QSslConfiguration DemoCertificates::serverConfiguration(DemoScenario scenario) const
{
    const IssuedCertificate* leaf = &good;
    switch (scenario) {
    case DemoScenario::ExpiredCert:
        leaf = &expired;
        break;
    case DemoScenario::WrongHost:
        leaf = &wrongHost;
        break;
    case DemoScenario::SelfSigned:
        leaf = &selfSigned;
        break;
    default:
        break;
    }
    QList<QSslCertificate> chain {leaf->certificate};
    if (leaf != &selfSigned)
        chain.append(intermediate.certificate);

    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(leaf->key);
    // A mail server does not ask clients for certificates.
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    // The demo server is configured as a model server: forward secrecy only (RFC 9325 s.4.1). Qt
    // installs a PSK callback on every server, so OpenSSL would answer a hello offering only plain
    // PSK suites with one of them (the raw probes see it: no forward secrecy); a mail server has no
    // pre-shared keys, so they go, and so does RSA key transport (ruled out by the EC keys today).
    QList<QSslCipher> ciphers = config.ciphers();
    ciphers.removeIf([](const QSslCipher& c) {
        return c.keyExchangeMethod() == QLatin1String("RSA") || c.name().contains(QLatin1String("PSK"));
    });
    config.setCiphers(ciphers);
    return config;
}
