// DANE matching for SMTP (RFC 7672 s.3, RFC 6698 s.2.1). The expected association data come from
// the openssl command line, not from the code under test.

#include "domain/DaneMatcher.h"
#include "TestPki.h"
#include "tls/SignatureCheck.h"

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
QByteArray certDer(const QSslCertificate& c)
{
    return QByteArray::fromHex(
        viaOpenssl(c, "openssl x509 -in %1 -outform DER | od -An -v -tx1 | tr -d ' \\n'"));
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
    void trustAnchorNotSent_data();
    void trustAnchorNotSent();
    void signatureCheck();

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

namespace {

/// `cert` with one byte of its signature flipped: it still parses, its issuer's signature no
/// longer verifies.
QSslCertificate tampered(const QSslCertificate& cert)
{
    QByteArray der = cert.toDer();
    der[der.size() - 3] = char(der.at(der.size() - 3) ^ 0x01);
    return QSslCertificate(der, QSsl::Der);
}

} // namespace

// RFC 7671 s.5.2.2, RFC 7672 s.3.1.2: a DANE-TA record carrying the full key (2 1 0) or
// certificate (2 0 0) of a trust anchor the server does not send. Every chain here is as the
// server presents it, without the root.
void TestDaneMatcher::trustAnchorNotSent_data()
{
    QTest::addColumn<QList<QSslCertificate>>("chain");
    QTest::addColumn<QList<TlsaRecord>>("records");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("detail"); // a phrase the detail must carry: the cause
    const TestPki& pki = TestPki::instance();
    const QList<QSslCertificate> good = pki.identity(TestPki::Kind::Good).chain;
    const QSslCertificate root = pki.root().certificate;
    const QSslCertificate inter = pki.intermediate().certificate;
    const QSslCertificate other = pki.identity(TestPki::Kind::SelfSigned).chain.first();
    using O = DaneMatcher::Outcome;
    const auto row = [](const char* name, const QList<QSslCertificate>& chain, const QList<TlsaRecord>& r,
                        const char* host, O o, const char* detail) {
        QTest::newRow(name) << chain << r << QString::fromLatin1(host) << int(o)
                            << QString::fromLatin1(detail);
    };
    row("root-key", good, {{2, 1, 0, spkiDer(root)}}, "localhost", O::Match, "does not send the anchor");
    row("root-cert", good, {{2, 0, 0, certDer(root)}}, "localhost", O::Match, "does not send the anchor");
    // The intermediate's key signed the leaf directly: the anchor sits above the leaf.
    row("intermediate-key-leaf-only", {good.first()}, {{2, 1, 0, spkiDer(inter)}}, "localhost", O::Match,
        "signed the server's certificate");
    row("root-key-names-checked", good, {{2, 1, 0, spkiDer(root)}}, "mx.elsewhere.test", O::NoMatch,
        "not for mx.elsewhere.test");
    row("another-key", good, {{2, 1, 0, spkiDer(other)}}, "localhost", O::NoMatch,
        "no certificate of its chain is signed by the record's key");
    row("another-cert", good, {{2, 0, 0, certDer(other)}}, "localhost", O::NoMatch,
        "no certificate of its chain is signed by the record's key");
    // The root did not sign the leaf (the intermediate did), and the link to it is missing.
    row("root-key-intermediate-missing", {good.first()}, {{2, 1, 0, spkiDer(root)}}, "localhost", O::NoMatch,
        "no certificate of its chain is signed by the record's key");
    row("untrusted-ca-chain", pki.identity(TestPki::Kind::UntrustedCa).chain, {{2, 1, 0, spkiDer(root)}},
        "localhost", O::NoMatch, "no certificate of its chain is signed by the record's key");
    // A broken signature on the leaf: neither the intermediate's key nor the root's accepts it.
    row("tampered-leaf", {tampered(good.first()), inter}, {{2, 1, 0, spkiDer(root)}}, "localhost", O::NoMatch,
        "no certificate of its chain is signed by the record's key");
    row("tampered-leaf-only", {tampered(good.first())}, {{2, 1, 0, spkiDer(inter)}}, "localhost", O::NoMatch,
        "no certificate of its chain is signed by the record's key");
    // DANE-TA is path validation from the anchor: dates count (unlike DANE-EE).
    row("expired-leaf", pki.identity(TestPki::Kind::Expired).chain, {{2, 1, 0, spkiDer(root)}}, "localhost",
        O::NoMatch, "the server's certificate expired on");
    row("not-yet-valid-leaf", pki.identity(TestPki::Kind::NotYetValid).chain, {{2, 1, 0, spkiDer(root)}},
        "localhost", O::NoMatch, "the server's certificate is not valid before");
    row("expired-leaf-dane-ee", pki.identity(TestPki::Kind::Expired).chain,
        {{3, 1, 1, spkiSha256(pki.identity(TestPki::Kind::Expired).chain.first())}}, "localhost", O::Match,
        "DANE-EE record");
    // Digests cannot stand in for an anchor the server leaves out.
    row("root-spki-sha256", good, {{2, 1, 1, spkiSha256(root)}}, "localhost", O::NoMatch,
        "a digest can only match a CA the server sends");
    row("root-cert-sha512", good, {{2, 0, 2, certSha512(root)}}, "localhost", O::NoMatch,
        "a digest can only match a CA the server sends");
    row("garbage-key", good, {{2, 1, 0, QByteArray::fromHex("3003020101")}}, "localhost", O::NoMatch,
        "the record's public key does not parse");
    row("garbage-cert", good, {{2, 0, 0, QByteArray::fromHex("3003020101")}}, "localhost", O::NoMatch,
        "the record's certificate does not parse");
    // The root is sent, but the intermediate between it and the leaf is not.
    row("root-sent-intermediate-missing-digest", {good.first(), root}, {{2, 0, 1, certSha256(root)}},
        "localhost", O::NoMatch, "matches a presented CA, but the chain to it is broken");
    row("root-sent-intermediate-missing-key", {good.first(), root}, {{2, 1, 0, spkiDer(root)}}, "localhost",
        O::NoMatch, "matches a presented CA, but the chain to it is broken");
    row("digest-miss-then-key", good, {{2, 1, 1, spkiSha256(root)}, {2, 1, 0, spkiDer(root)}}, "localhost",
        O::Match, "does not send the anchor");
}

void TestDaneMatcher::trustAnchorNotSent()
{
    QFETCH(QList<QSslCertificate>, chain);
    QFETCH(QList<TlsaRecord>, records);
    QFETCH(QString, host);
    QFETCH(int, outcome);
    QFETCH(QString, detail);
    for (const TlsaRecord& r : std::as_const(records))
        QVERIFY2(!r.data.isEmpty(), "openssl gave no association data");
    const DaneMatcher::Result r = DaneMatcher::match(records, chain, host);
    QCOMPARE(int(r.outcome), outcome);
    QVERIFY2(r.detail.contains(detail), qPrintable(r.detail));
    QCOMPARE(r.usage, outcome == int(DaneMatcher::Outcome::Match) ? records.last().usage : -1);
}

// The unit DANE-TA relies on, against keys and certificates the openssl CLI extracted.
void TestDaneMatcher::signatureCheck()
{
    using R = SignatureCheck::Result;
    const TestPki& pki = TestPki::instance();
    const QSslCertificate leaf = pki.identity(TestPki::Kind::Good).chain.first();
    const QSslCertificate inter = pki.intermediate().certificate;
    const QSslCertificate root = pki.root().certificate;
    QCOMPARE(SignatureCheck::subjectPublicKeyInfo(leaf.toDer()), spkiDer(leaf));
    QCOMPARE(SignatureCheck::verifyWithKey(leaf.toDer(), spkiDer(inter)), R::Valid);
    QCOMPARE(SignatureCheck::verifyWithKey(inter.toDer(), spkiDer(root)), R::Valid);
    QCOMPARE(SignatureCheck::verifyWithKey(root.toDer(), spkiDer(root)), R::Valid);
    QCOMPARE(SignatureCheck::verifyWithKey(leaf.toDer(), spkiDer(root)), R::Invalid);
    QCOMPARE(SignatureCheck::verifyWithKey(tampered(leaf).toDer(), spkiDer(inter)), R::Invalid);
    QCOMPARE(SignatureCheck::verifyWithCertificate(leaf.toDer(), inter.toDer()), R::Valid);
    QCOMPARE(SignatureCheck::verifyWithCertificate(leaf.toDer(), root.toDer()), R::Invalid);
    // Untrusted bytes: truncated, trailing garbage, empty.
    const QByteArray der = leaf.toDer();
    QCOMPARE(SignatureCheck::verifyWithKey(der.left(der.size() - 1), spkiDer(inter)), R::BadCertificate);
    QCOMPARE(SignatureCheck::verifyWithKey(der + '\0', spkiDer(inter)), R::BadCertificate);
    QCOMPARE(SignatureCheck::verifyWithKey({}, spkiDer(inter)), R::BadCertificate);
    QCOMPARE(SignatureCheck::verifyWithKey(der, spkiDer(inter).left(20)), R::BadKey);
    QCOMPARE(SignatureCheck::verifyWithKey(der, spkiDer(inter) + "x"), R::BadKey);
    QCOMPARE(SignatureCheck::verifyWithKey(der, {}), R::BadKey);
    QCOMPARE(SignatureCheck::verifyWithCertificate(der, QByteArray("not a certificate")), R::BadCertificate);
    QVERIFY(SignatureCheck::subjectPublicKeyInfo(QByteArray("\x30\x03\x02\x01\x01", 5)).isEmpty());
}

QTEST_GUILESS_MAIN(TestDaneMatcher)
#include "TestDaneMatcher.moc"
