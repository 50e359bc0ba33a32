// A profile's accepted certificates (trust by SHA-256 fingerprint) in the engine's trust decision,
// over the in-memory transport: an accepted leaf answers only "who vouches for it" errors, the
// acceptance is always visible as a finding, and anything else stays strict.

#include "FakeLineTransport.h"
#include "findings/FindingCatalogue.h"
#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPki.h"
#include "TestPrinters.h"
#include "tls/TrustAssessment.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

namespace {

/// The fingerprint as `openssl x509 -fingerprint -sha256` spells it, computed by Qt, not by us.
QString opensslStyleFingerprint(const QSslCertificate& c)
{
    return QString::fromLatin1(c.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

TlsHandshakeInfo handshakeWith(const QList<QSslCertificate>& chain, const QList<QSslError::SslError>& errors)
{
    TlsHandshakeInfo info;
    info.facts.protocol = QStringLiteral("TLSv1.3");
    info.facts.cipher = QStringLiteral("TLS_AES_256_GCM_SHA384");
    info.chain = chain;
    for (const QSslError::SslError e : errors)
        info.errors.append(QSslError(e, chain.value(0)));
    for (const QSslError& e : std::as_const(info.errors))
        info.facts.errors.append(e.errorString());
    info.facts.verified = info.errors.isEmpty();
    return info;
}

struct Outcome
{
    Run run;
    QByteArray writtenAfterTls;
};

/// One SMTP STARTTLS conversation up to the handshake, which ends with `info`; then the server
/// answers whatever comes (EHLO, QUIT) so a trusted run completes.
Outcome converse(const ProbeOptions& options, const TlsHandshakeInfo& info)
{
    auto fake = std::make_unique<FakeLineTransport>();
    FakeLineTransport* t = fake.get();
    ProbeSession session(options, std::move(fake));
    QSignalSpy finished(&session, &ProbeSession::finished);
    session.start();
    Outcome o;
    [&] {
        QTRY_VERIFY(t->isOpen());
        t->acceptConnection();
        t->serverSends("220 mx.test ESMTP\r\n");
        QTRY_COMPARE(t->lastWrite(), QByteArray("EHLO probe.test\r\n"));
        t->serverSends("250-mx.test\r\n250 STARTTLS\r\n");
        QTRY_COMPARE(t->lastWrite(), QByteArray("STARTTLS\r\n"));
        t->serverSends("220 go ahead\r\n");
        QTRY_VERIFY(t->tlsRequested());
        t->completeHandshake(info);
        if (QTest::qWaitFor([&] { return finished.count() > 0 || t->lastWrite() == "EHLO probe.test\r\n"; },
                            5000)
            && finished.count() == 0) {
            t->serverSends("250 mx.test\r\n");
            QTRY_COMPARE(t->lastWrite(), QByteArray("QUIT\r\n"));
            t->serverSends("221 bye\r\n");
        }
        QTRY_COMPARE(finished.count(), 1);
    }();
    o.run = session.run();
    o.writtenAfterTls = t->writtenAfterTlsRequest();
    return o;
}

ProbeOptions defaults()
{
    ProbeOptions o;
    o.host = QStringLiteral("localhost");
    o.port = 2525;
    o.heloName = QStringLiteral("probe.test");
    o.stepTimeoutMs = 5000;
    return o;
}

} // namespace

class TestAcceptedCertificates final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizedFingerprint_data();
    void normalizedFingerprint();
    void acceptedSelfSignedLeafIsTrustedAndShown();
    void otherFingerprintStaysStrict();
    void acceptanceDoesNotAnswerHostOrExpiry_data();
    void acceptanceDoesNotAnswerHostOrExpiry();
    void verifiedChainNeedsNoAcceptance();
    void reportsSayWhoTrustedIt();
};

void TestAcceptedCertificates::normalizedFingerprint_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    const QString canonical = QStringLiteral(
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
    QTest::newRow("canonical") << canonical << canonical;
    QTest::newRow("lower, no colons")
        << QStringLiteral("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789") << canonical;
    QTest::newRow("prefix and spaces")
        << QStringLiteral("  sha256:ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789 ")
        << canonical;
    QTest::newRow("sha1 length") << QStringLiteral(
        "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01")
                                 << QString();
    QTest::newRow("not hex") << QStringLiteral("zz") + QString(62, QLatin1Char('0')) << QString();
    QTest::newRow("empty") << QString() << QString();
}

void TestAcceptedCertificates::normalizedFingerprint()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(TrustAssessment::normalizedFingerprint(input), expected);
}

void TestAcceptedCertificates::acceptedSelfSignedLeafIsTrustedAndShown()
{
    const TestPki::Identity self = TestPki::instance().identity(TestPki::Kind::SelfSigned);
    ProbeOptions options = defaults();
    // Lower case without colons: how a user may paste it.
    options.acceptedCertificates = {
        opensslStyleFingerprint(self.chain.first()).remove(QLatin1Char(':')).toLower()};
    const Outcome o = converse(options, handshakeWith(self.chain, {QSslError::SelfSignedCertificate}));

    QCOMPARE(sortedFindingIds(o.run), QStringList {QStringLiteral("cert-trusted-by-profile")});
    const Finding* f = o.run.finding(FindingIds::CertTrustedByProfile);
    QCOMPARE(f->severity, Severity::Info);
    QVERIFY2(f->detail.contains(opensslStyleFingerprint(self.chain.first())), qPrintable(f->detail));
    QVERIFY(o.run.tls->trustedByProfile);
    QVERIFY(!o.run.tls->verified); // no CA vouched; the profile did
    QVERIFY(!o.run.tls->verificationOverridden);
    QCOMPARE(o.run.step(StepId::TlsHandshake)->status, StepStatus::Ok);
    QCOMPARE(o.run.step(StepId::GreetingTls)->status, StepStatus::Ok);
    QCOMPARE(o.writtenAfterTls, QByteArray("EHLO probe.test\r\nQUIT\r\n"));
    QCOMPARE(o.run.verdict(), Verdict::Ok);
}

void TestAcceptedCertificates::otherFingerprintStaysStrict()
{
    const TestPki& pki = TestPki::instance();
    const TestPki::Identity self = pki.identity(TestPki::Kind::SelfSigned);
    ProbeOptions options = defaults();
    options.acceptedCertificates = {opensslStyleFingerprint(pki.identity(TestPki::Kind::Good).chain.first())};
    const Outcome o = converse(options, handshakeWith(self.chain, {QSslError::SelfSignedCertificate}));

    QCOMPARE(sortedFindingIds(o.run), QStringList {QStringLiteral("cert-self-signed")});
    QVERIFY(!o.run.tls->trustedByProfile);
    QCOMPARE(o.run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
    QCOMPARE(o.writtenAfterTls, QByteArray()); // not even QUIT
    QCOMPARE(o.run.verdict(), Verdict::Critical);
}

void TestAcceptedCertificates::acceptanceDoesNotAnswerHostOrExpiry_data()
{
    QTest::addColumn<QSslError::SslError>("other");
    QTest::addColumn<QString>("otherId");
    QTest::newRow("wrong host") << QSslError::HostNameMismatch << QStringLiteral("cert-hostname-mismatch");
    QTest::newRow("expired") << QSslError::CertificateExpired << QStringLiteral("cert-expired");
}

void TestAcceptedCertificates::acceptanceDoesNotAnswerHostOrExpiry()
{
    QFETCH(QSslError::SslError, other);
    QFETCH(QString, otherId);
    const TestPki::Identity self = TestPki::instance().identity(TestPki::Kind::SelfSigned);
    ProbeOptions options = defaults();
    options.acceptedCertificates = {opensslStyleFingerprint(self.chain.first())};
    const Outcome strict =
        converse(options, handshakeWith(self.chain, {QSslError::SelfSignedCertificate, other}));
    QCOMPARE(sortedFindingIds(strict.run),
             (QStringList {otherId, QStringLiteral("cert-trusted-by-profile")}));
    QCOMPARE(strict.run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
    QCOMPARE(strict.writtenAfterTls, QByteArray());

    // --insecure on top goes on, and both overrides stay in the run.
    options.insecure = true;
    const Outcome insecure =
        converse(options, handshakeWith(self.chain, {QSslError::SelfSignedCertificate, other}));
    QCOMPARE(sortedFindingIds(insecure.run), (QStringList {otherId, QStringLiteral("cert-trusted-by-profile"),
                                                           QStringLiteral("cert-verification-overridden")}));
    QCOMPARE(insecure.run.step(StepId::TlsHandshake)->status, StepStatus::Warning);
    QVERIFY(insecure.run.tls->verificationOverridden);
}

void TestAcceptedCertificates::verifiedChainNeedsNoAcceptance()
{
    const TestPki::Identity good = TestPki::instance().identity(TestPki::Kind::Good);
    ProbeOptions options = defaults();
    options.acceptedCertificates = {opensslStyleFingerprint(good.chain.first())};
    const Outcome o = converse(options, handshakeWith(good.chain, {}));
    QCOMPARE(sortedFindingIds(o.run), QStringList());
    QVERIFY(!o.run.tls->trustedByProfile);
    QVERIFY(o.run.tls->verified);
}

void TestAcceptedCertificates::reportsSayWhoTrustedIt()
{
    const TestPki::Identity self = TestPki::instance().identity(TestPki::Kind::SelfSigned);
    ProbeOptions options = defaults();
    options.acceptedCertificates = {opensslStyleFingerprint(self.chain.first())};
    const Outcome o = converse(options, handshakeWith(self.chain, {QSslError::SelfSignedCertificate}));
    const QJsonObject tls =
        QJsonDocument::fromJson(ReportJson::toJson(o.run)).object().value(QStringLiteral("tls")).toObject();
    QCOMPARE(tls.value(QStringLiteral("trusted_by_profile")), QJsonValue(true));
    QCOMPARE(tls.value(QStringLiteral("verified")), QJsonValue(false));
    const QString text = ReportText::render(o.run);
    QVERIFY2(text.contains(QLatin1String("trusted by your profile")), qPrintable(text));
}

QTEST_GUILESS_MAIN(TestAcceptedCertificates)
#include "TestAcceptedCertificates.moc"
