// DANE matching for SMTP (RFC 7672 s.3, RFC 6698 s.2.1). The expected association data come from
// the openssl command line, not from the code under test.

#include "domain/DaneMatcher.h"
#include "TestPki.h"

#include <QProcess>
#include <QTemporaryFile>
#include <QTest>

namespace {

/// `openssl` on `pem` through a shell pipeline; the hex digest it prints.
QByteArray viaOpenssl(const QSslCertificate& cert, const char* pipeline)
{
    QTemporaryFile file;
    if (!file.open())
        return {};
    file.write(cert.toPem());
    file.flush();
    QProcess p;
    p.start(QStringLiteral("sh"), {QStringLiteral("-c"), QString::fromLatin1(pipeline).arg(file.fileName())});
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        return {};
    return p.readAllStandardOutput().trimmed();
}

QByteArray spkiSha256(const QSslCertificate& c)
{
    return QByteArray::fromHex(viaOpenssl(c, "openssl x509 -in %1 -pubkey -noout | openssl pkey -pubin "
                                             "-outform DER | openssl dgst -sha256 -r | cut -d' ' -f1"));
}
QByteArray spkiDer(const QSslCertificate& c)
{
    return QByteArray::fromHex(viaOpenssl(c, "openssl x509 -in %1 -pubkey -noout | openssl pkey -pubin "
                                             "-outform DER | od -An -v -tx1 | tr -d ' \\n'"));
}
QByteArray certSha256(const QSslCertificate& c)
{
    return QByteArray::fromHex(
        viaOpenssl(c, "openssl x509 -in %1 -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1"));
}
QByteArray certSha512(const QSslCertificate& c)
{
    return QByteArray::fromHex(
        viaOpenssl(c, "openssl x509 -in %1 -outform DER | openssl dgst -sha512 -r | cut -d' ' -f1"));
}

} // namespace

class TestDaneMatcher final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void match_data();
    void match();

private:
    QList<QSslCertificate> m_chain;
};

void TestDaneMatcher::initTestCase()
{
    QVERIFY(TestPki::instance().isValid());
    m_chain = TestPki::instance().identity(TestPki::Kind::Good).chain;
    QCOMPARE(m_chain.size(), 2);
    QCOMPARE(spkiSha256(m_chain.first()).size(), 32); // openssl works here
}

void TestDaneMatcher::match_data()
{
    QTest::addColumn<QList<TlsaRecord>>("records");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("outcome");
    const TestPki& pki = TestPki::instance();
    const QSslCertificate leaf = pki.identity(TestPki::Kind::Good).chain.at(0);
    const QSslCertificate inter = pki.intermediate().certificate;
    const QSslCertificate root = pki.root().certificate;
    const QByteArray wrong(32, '\x5a');
    using O = DaneMatcher::Outcome;
    const auto row = [](const char* name, QList<TlsaRecord> r, const char* host, O o) {
        QTest::newRow(name) << r << QString::fromLatin1(host) << int(o);
    };
    row("ee-spki-sha256", {{3, 1, 1, spkiSha256(leaf)}}, "localhost", O::Match);
    row("ee-cert-sha256", {{3, 0, 1, certSha256(leaf)}}, "localhost", O::Match);
    row("ee-cert-sha512", {{3, 0, 2, certSha512(leaf)}}, "localhost", O::Match);
    row("ee-spki-full", {{3, 1, 0, spkiDer(leaf)}}, "localhost", O::Match);
    // RFC 7672 s.3.1.1: DANE-EE ignores the names in the certificate.
    row("ee-ignores-name", {{3, 1, 1, spkiSha256(leaf)}}, "mx.elsewhere.test", O::Match);
    row("ee-wrong", {{3, 1, 1, wrong}}, "localhost", O::NoMatch);
    row("ee-is-not-the-ca", {{3, 1, 1, spkiSha256(inter)}}, "localhost", O::NoMatch);
    row("ta-intermediate", {{2, 0, 1, certSha256(inter)}}, "localhost", O::Match);
    row("ta-intermediate-spki", {{2, 1, 1, spkiSha256(inter)}}, "localhost", O::Match);
    // RFC 7672 s.3.2.2: with DANE-TA the certificate must carry the MX host name.
    row("ta-checks-name", {{2, 0, 1, certSha256(inter)}}, "mx.elsewhere.test", O::NoMatch);
    // The root is not in the presented chain: nothing to match it against.
    row("ta-root-not-presented", {{2, 0, 1, certSha256(root)}}, "localhost", O::NoMatch);
    row("ta-leaf-is-not-a-ta", {{2, 0, 1, certSha256(leaf)}}, "localhost", O::NoMatch);
    // RFC 7672 s.3.1.3: PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP, even when they match.
    row("pkix-ee-unusable", {{1, 1, 1, spkiSha256(leaf)}}, "localhost", O::Unusable);
    row("pkix-ta-unusable", {{0, 0, 1, certSha256(inter)}}, "localhost", O::Unusable);
    row("unknown-selector", {{3, 2, 1, spkiSha256(leaf)}}, "localhost", O::Unusable);
    row("unknown-matching-type", {{3, 1, 3, spkiSha256(leaf)}}, "localhost", O::Unusable);
    row("usable-beside-unusable-wrong", {{1, 1, 1, spkiSha256(leaf)}, {3, 1, 1, wrong}}, "localhost",
        O::NoMatch);
    row("second-record-matches", {{3, 1, 1, wrong}, {3, 1, 1, spkiSha256(leaf)}}, "localhost", O::Match);
    row("none", {}, "localhost", O::NoRecords);
}

void TestDaneMatcher::match()
{
    QFETCH(QList<TlsaRecord>, records);
    QFETCH(QString, host);
    QFETCH(int, outcome);
    const DaneMatcher::Result r = DaneMatcher::match(records, m_chain, host);
    QCOMPARE(int(r.outcome), outcome);
    QVERIFY(!r.detail.isEmpty());
}

QTEST_GUILESS_MAIN(TestDaneMatcher)
#include "TestDaneMatcher.moc"
