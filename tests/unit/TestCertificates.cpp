// Certificates issued in-process, inspected field by field, and their errors turned into findings.

#include "findings/FindingCatalogue.h"
#include "tls/CertificateFactory.h"
#include "tls/CertificateInspector.h"
#include "tls/TrustAssessment.h"

#include <QTest>

class TestCertificates final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inspectsEveryField();
    void daysLeft_data();
    void daysLeft();
    void verificationErrorsBecomeFindings();
    void errorsAttachToTheirCertificate();
    void chainFindings();
    void matchingName_data();
    void matchingName();
    void undecodablePublicKey();
};

void TestCertificates::inspectsEveryField()
{
    CertificateRequest caRequest;
    caRequest.commonName = QStringLiteral("Test Root");
    caRequest.isCa = true;
    const IssuedCertificate ca = CertificateFactory::selfSigned(caRequest);
    QVERIFY(!ca.isNull());

    CertificateRequest leafRequest;
    leafRequest.commonName = QStringLiteral("mx.test");
    leafRequest.dnsNames = {QStringLiteral("mx.test"), QStringLiteral("mail.test")};
    leafRequest.ipAddresses = {QHostAddress(QStringLiteral("127.0.0.1"))};
    leafRequest.rsaBits = 2048;
    leafRequest.signature = QCryptographicHash::Sha384;
    const IssuedCertificate leaf = CertificateFactory::issue(leafRequest, ca);
    QVERIFY(!leaf.isNull());
    QVERIFY(!leaf.key.isNull());

    const CertificateInfo info =
        CertificateInspector::inspect(leaf.certificate, QDateTime::currentDateTimeUtc());
    QCOMPARE(info.commonName, QStringLiteral("mx.test"));
    QVERIFY(info.subject.contains(QLatin1String("CN=mx.test")));
    QVERIFY(info.issuer.contains(QLatin1String("CN=Test Root")));
    QCOMPARE(info.sanDns, (QStringList {QStringLiteral("mx.test"), QStringLiteral("mail.test")}));
    QCOMPARE(info.sanIp, QStringList {QStringLiteral("127.0.0.1")});
    QCOMPARE(info.keyAlgorithm, QStringLiteral("RSA"));
    QCOMPARE(info.keyBits, 2048);
    // Signed by the EC root with SHA-384; the leaf's own key is RSA.
    QCOMPARE(info.signatureAlgorithm, QStringLiteral("ecdsa-with-SHA384"));
    QCOMPARE(info.sha256.count(QLatin1Char(':')), 31);
    QCOMPARE(info.sha1.count(QLatin1Char(':')), 19);
    QVERIFY(!info.serial.isEmpty());
    QVERIFY(!info.selfSigned);
    QVERIFY(info.pem.startsWith(QLatin1String("-----BEGIN CERTIFICATE-----")));
    QVERIFY(info.daysLeft >= 363 && info.daysLeft <= 365);

    const CertificateInfo caInfo =
        CertificateInspector::inspect(ca.certificate, QDateTime::currentDateTimeUtc());
    QVERIFY(caInfo.selfSigned);
    QCOMPARE(caInfo.keyAlgorithm, QStringLiteral("EC"));
    QCOMPARE(caInfo.keyBits, 256);
    QCOMPARE(caInfo.signatureAlgorithm, QStringLiteral("ecdsa-with-SHA256"));
}

void TestCertificates::daysLeft_data()
{
    QTest::addColumn<int>("offsetSeconds");
    QTest::addColumn<int>("expected");
    QTest::newRow("10.5 days") << int(10.5 * 86400) << 10;
    QTest::newRow("half a day") << 43200 << 0;
    QTest::newRow("expired an hour ago") << -3600 << -1;
    QTest::newRow("expired 2.5 days ago") << int(-2.5 * 86400) << -3;
}

void TestCertificates::daysLeft()
{
    QFETCH(int, offsetSeconds);
    QFETCH(int, expected);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    CertificateRequest request;
    request.commonName = QStringLiteral("t");
    request.notBefore = now.addDays(-30);
    request.notAfter = now.addSecs(offsetSeconds);
    const IssuedCertificate c = CertificateFactory::selfSigned(request);
    QCOMPARE(CertificateInspector::inspect(c.certificate, now).daysLeft, qint64(expected));
}

void TestCertificates::verificationErrorsBecomeFindings()
{
    const QList<QSslError> errors {QSslError(QSslError::CertificateExpired),
                                   QSslError(QSslError::HostNameMismatch),
                                   QSslError(QSslError::UnableToGetLocalIssuerCertificate),
                                   QSslError(QSslError::UnableToVerifyFirstCertificate),
                                   QSslError(QSslError::SelfSignedCertificate),
                                   QSslError(QSslError::CertificateNotYetValid)};
    const QList<Finding> findings = TrustAssessment::findingsFor(errors);
    QStringList ids;
    for (const Finding& f : findings)
        ids.append(f.id);
    QCOMPARE(ids, (QStringList {FindingIds::CertExpired, FindingIds::CertHostnameMismatch,
                                FindingIds::CertUntrustedChain, FindingIds::CertSelfSigned,
                                FindingIds::CertNotYetValid}));
    // Two untrusted-chain errors merge into one finding with both as evidence.
    QVERIFY(findings.at(2).detail.contains(QLatin1String("; ")));
}

void TestCertificates::errorsAttachToTheirCertificate()
{
    CertificateRequest caRequest;
    caRequest.commonName = QStringLiteral("Root");
    caRequest.isCa = true;
    const IssuedCertificate ca = CertificateFactory::selfSigned(caRequest);
    CertificateRequest leafRequest;
    leafRequest.commonName = QStringLiteral("leaf");
    const IssuedCertificate leaf = CertificateFactory::issue(leafRequest, ca);
    const QList<QSslError> errors {QSslError(QSslError::SelfSignedCertificateInChain, ca.certificate),
                                   QSslError(QSslError::HostNameMismatch, leaf.certificate),
                                   QSslError(QSslError::UnableToVerifyFirstCertificate)};
    const QList<CertificateInfo> chain = CertificateInspector::inspectChain(
        {leaf.certificate, ca.certificate}, errors, QDateTime::currentDateTimeUtc());
    QCOMPARE(chain.size(), 2);
    QCOMPARE(chain.at(0).errors.size(), 2); // host name + the chain-wide error go to the leaf
    QCOMPARE(chain.at(1).errors.size(), 1);
}

void TestCertificates::chainFindings()
{
    CertificateInfo leaf;
    leaf.commonName = QStringLiteral("mx");
    leaf.daysLeft = 5;
    leaf.keyAlgorithm = QStringLiteral("RSA");
    leaf.keyBits = 1024;
    leaf.notAfter = QDateTime::currentDateTimeUtc().addDays(5);
    QList<Finding> findings = TrustAssessment::chainFindings({leaf}, 21);
    QCOMPARE(findings.size(), 2);
    QCOMPARE(findings.at(0).id, QString(FindingIds::CertExpiresSoon));
    QCOMPARE(findings.at(1).id, QString(FindingIds::CertWeakKey));
    QVERIFY(findings.at(1).detail.contains(QLatin1String("1024")));
    leaf.keyBits = 2048;
    QVERIFY(TrustAssessment::chainFindings({leaf}, 3).isEmpty());
    leaf.daysLeft = -1; // expired is cert-expired's business, not "expires soon"
    QVERIFY(TrustAssessment::chainFindings({leaf}, 21).isEmpty());
}

void TestCertificates::matchingName_data()
{
    QTest::addColumn<QStringList>("dns");
    QTest::addColumn<QStringList>("ips");
    QTest::addColumn<QString>("cn");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("matched");
    const QStringList none;
    QTest::newRow("exact") << QStringList {QStringLiteral("a.test"), QStringLiteral("mx.test")} << none
                           << QString() << QStringLiteral("MX.test") << QStringLiteral("mx.test");
    QTest::newRow("wildcard") << QStringList {QStringLiteral("*.example.org")} << none << QString()
                              << QStringLiteral("mail.example.org") << QStringLiteral("*.example.org");
    QTest::newRow("wildcard is one label") << QStringList {QStringLiteral("*.example.org")} << none
                                           << QString() << QStringLiteral("a.b.example.org") << QString();
    QTest::newRow("ip host needs ip SAN") << QStringList {QStringLiteral("127.0.0.1")} << QStringList {}
                                          << QString() << QStringLiteral("127.0.0.1") << QString();
    QTest::newRow("ip SAN") << none << QStringList {QStringLiteral("::1")} << QString()
                            << QStringLiteral("::1") << QStringLiteral("::1");
    QTest::newRow("CN without SANs") << none << none << QStringLiteral("mx.test") << QStringLiteral("mx.test")
                                     << QStringLiteral("mx.test");
    QTest::newRow("CN ignored with SANs")
        << QStringList {QStringLiteral("other.test")} << none << QStringLiteral("mx.test")
        << QStringLiteral("mx.test") << QString();
}

void TestCertificates::matchingName()
{
    QFETCH(QStringList, dns);
    QFETCH(QStringList, ips);
    QFETCH(QString, cn);
    QFETCH(QString, host);
    QFETCH(QString, matched);
    CertificateInfo info;
    info.sanDns = dns;
    info.sanIp = ips;
    info.commonName = cn;
    QCOMPARE(CertificateInspector::matchingName(info, host), matched);
}

void TestCertificates::undecodablePublicKey()
{
    // Regression (tests/fuzz/fuzz_certificate): an EC key whose point is not on the curve still
    // parses as a certificate, but has no usable key; Qt's publicKey() crashed on it.
    CertificateRequest request;
    request.commonName = QStringLiteral("broken.test");
    const IssuedCertificate issued = CertificateFactory::selfSigned(request);
    QVERIFY(!issued.isNull());
    QByteArray der = issued.certificate.toDer();
    // RFC 5480 s.2.2: subjectPublicKey is BIT STRING (66 bytes: no unused bits, 04, X, Y) for P-256.
    const qsizetype point = der.indexOf(QByteArray::fromHex("034200") + '\x04');
    QVERIFY(point > 0);
    const qsizetype lastOfY = point + 4 + 64 - 1;
    der[lastOfY] = char(der.at(lastOfY) ^ 1); // y+-1 is (but for 2^-255) not on the curve
    const QSslCertificate broken(der, QSsl::Der);
    QVERIFY(!broken.isNull());

    const CertificateInfo info = CertificateInspector::inspect(broken, QDateTime::currentDateTimeUtc());
    QCOMPARE(info.commonName, QStringLiteral("broken.test"));
    QCOMPARE(info.keyAlgorithm, QStringLiteral("unknown"));
    QCOMPARE(info.keyBits, 0);
    QCOMPARE(info.errors, QStringList {QStringLiteral("Its public key cannot be decoded")});
}

QTEST_GUILESS_MAIN(TestCertificates)
#include "TestCertificates.moc"
