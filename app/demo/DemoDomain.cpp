#include "DemoDomain.h"

#include "dns/StaticResolver.h"
#include "domain/DaneMatcher.h"

namespace {

DnsAnswer answer(DnsSecurity security)
{
    DnsAnswer a;
    a.security = security;
    return a;
}

} // namespace

QStringList DemoDomain::domains()
{
    return {QStringLiteral("demo.test"),          QStringLiteral("tlsa-mismatch.demo.test"),
            QStringLiteral("unsigned.demo.test"), QStringLiteral("bogus.demo.test"),
            QStringLiteral("nullmx.demo.test"),   QStringLiteral("cname.demo.test")};
}

void DemoDomain::populate(StaticResolver& resolver, const QSslCertificate& serverCertificate)
{
    const DnsSecurity secure = DnsSecurity::Secure;
    const QHostAddress loopback(QHostAddress::LocalHost);
    const auto host = [&](const QString& name, DnsSecurity security, const QList<TlsaRecord>& tlsa) {
        DnsAnswer a = answer(security);
        a.addresses = {loopback};
        resolver.add(name, DnsType::A, a);
        resolver.add(name, DnsType::Aaaa, answer(security));
        if (!tlsa.isEmpty()) {
            DnsAnswer t = answer(security);
            t.tlsa = tlsa;
            resolver.add(QStringLiteral("_25._tcp.") + name, DnsType::Tlsa, t);
        }
    };
    const auto mx = [&](const QString& domain, DnsSecurity security, const QString& target) {
        DnsAnswer a = answer(security);
        a.mx = {{10, target}};
        resolver.add(domain, DnsType::Mx, a);
    };
    const auto rpt = [&](const QString& domain) {
        DnsAnswer a = answer(secure);
        a.txt = {"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain.toLatin1()};
        resolver.add(QStringLiteral("_smtp._tls.") + domain, DnsType::Txt, a);
    };
    // DANE-EE(3) SPKI SHA-256 of the demo server's own certificate (RFC 7672 s.3.1.1).
    const TlsaRecord good {3, 1, 1, DaneMatcher::associationData(serverCertificate, 1, 1)};
    const TlsaRecord stale {3, 1, 1, QByteArray(32, '\x42')};

    mx(QStringLiteral("demo.test"), secure, QStringLiteral("mx.demo.test"));
    host(QStringLiteral("mx.demo.test"), secure, {good});
    rpt(QStringLiteral("demo.test"));

    mx(QStringLiteral("tlsa-mismatch.demo.test"), secure, QStringLiteral("mx-old.demo.test"));
    host(QStringLiteral("mx-old.demo.test"), secure, {stale});
    rpt(QStringLiteral("tlsa-mismatch.demo.test"));

    mx(QStringLiteral("unsigned.demo.test"), DnsSecurity::Insecure, QStringLiteral("mx.unsigned.demo.test"));
    host(QStringLiteral("mx.unsigned.demo.test"), DnsSecurity::Insecure, {good});

    DnsAnswer bogus = answer(DnsSecurity::Bogus);
    bogus.whyBogus = QStringLiteral("signature expired (demo)");
    resolver.add(QStringLiteral("bogus.demo.test"), DnsType::Mx, bogus);

    DnsAnswer null = answer(secure);
    null.mx = {{0, QString()}};
    resolver.add(QStringLiteral("nullmx.demo.test"), DnsType::Mx, null);

    mx(QStringLiteral("cname.demo.test"), secure, QStringLiteral("mail.cname.demo.test"));
    DnsAnswer alias = answer(secure);
    alias.addresses = {loopback};
    alias.canonicalName = QStringLiteral("mx.demo.test");
    resolver.add(QStringLiteral("mail.cname.demo.test"), DnsType::A, alias);
    resolver.add(QStringLiteral("mail.cname.demo.test"), DnsType::Aaaa, answer(secure));
}
