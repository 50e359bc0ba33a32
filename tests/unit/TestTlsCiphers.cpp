// CipherSuites: the local candidate lists, local version support; TlsAudit::merge: how probe
// results become tlsVersions, ciphers and findings (the per-class suite findings are
// TestTlsSuiteFindings').

#include "audit/TlsAudit.h"
#include "findings/TlsSuiteCatalogue.h"
#include "RunHelpers.h"
#include "tls/CipherSuites.h"

#include <QTest>

class TestTlsCiphers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void candidates();
    void localSupportIsConsistent();
    void mergeVersionsAndFindings();
    void mergeKeepsExistingFindings();
    void mergeUnavailableIsNotRejected();
    void mergeNegotiatedVersionIsAccepted();
};

void TestTlsCiphers::candidates()
{
    const QStringList tls13 = CipherSuites::candidates(TlsVersion::V1_3);
    QCOMPARE(tls13.size(), 5);
    QVERIFY(tls13.contains(QStringLiteral("TLS_AES_128_CCM_8_SHA256")));
    const QStringList tls12 = CipherSuites::candidates(TlsVersion::V1_2);
    QVERIFY2(tls12.size() >= 20, qPrintable(tls12.join(QLatin1Char(' '))));
    QVERIFY(tls12.contains(QStringLiteral("ECDHE-RSA-AES128-GCM-SHA256")));
    QVERIFY(tls12.contains(QStringLiteral("AES256-SHA")));
    for (const QString& c : tls12) {
        QVERIFY2(!c.contains(QLatin1String("PSK")) && !c.contains(QLatin1String("SRP")), qPrintable(c));
        QVERIFY2(!c.startsWith(QLatin1String("TLS_")), qPrintable(c));
    }
    // TLS 1.0 has no AEAD suites.
    for (const QString& c : CipherSuites::candidates(TlsVersion::V1_0))
        QVERIFY2(!c.contains(QLatin1String("GCM")), qPrintable(c));
    // The cipher string always lowers the level for the probe only.
    QCOMPARE(CipherSuites::cipherString({QStringLiteral("A"), QStringLiteral("B")}),
             QStringLiteral("A:B:@SECLEVEL=0"));
}

void TestTlsCiphers::localSupportIsConsistent()
{
    // TLS 1.2 and 1.3 always work with OpenSSL 3; for 1.0/1.1 the answer must be stable and, when
    // negative, explained.
    QVERIFY(CipherSuites::localSupport(TlsVersion::V1_2));
    QVERIFY(CipherSuites::localSupport(TlsVersion::V1_3));
    for (TlsVersion v : {TlsVersion::V1_0, TlsVersion::V1_1}) {
        QString why;
        const bool first = CipherSuites::localSupport(v, &why);
        QCOMPARE(CipherSuites::localSupport(v), first);
        QCOMPARE(why.isEmpty(), first);
        qInfo("%s locally: %s", qPrintable(CipherSuites::versionName(v)),
              first ? "supported" : qPrintable(why));
    }
}

void TestTlsCiphers::mergeVersionsAndFindings()
{
    TlsAuditResult r;
    r.versions.insert(QStringLiteral("TLSv1.0"),
                      {QStringLiteral("accepted"), QStringLiteral("ECDHE-RSA-AES256-SHA")});
    r.versions.insert(QStringLiteral("TLSv1.1"),
                      {QStringLiteral("rejected"), QStringLiteral("alert protocol version")});
    r.versions.insert(QStringLiteral("TLSv1.2"), {QStringLiteral("accepted"), QStringLiteral("AES256-SHA")});
    r.versions.insert(QStringLiteral("TLSv1.3"),
                      {QStringLiteral("rejected"), QStringLiteral("alert protocol version")});
    r.ciphers.insert(QStringLiteral("TLSv1.0"), {QStringLiteral("ECDHE-RSA-AES256-SHA")});
    r.ciphers.insert(QStringLiteral("TLSv1.2"),
                     {QStringLiteral("ECDHE-RSA-AES128-GCM-SHA256"), QStringLiteral("DES-CBC3-SHA")});
    r.cipherOrder.insert(QStringLiteral("TLSv1.2"), QStringLiteral("server"));
    r.injection = QStringLiteral("vulnerable");
    r.injectionDetail = QStringLiteral("250 2.0.0 Ok");
    r.ocsp = QStringLiteral("revoked");
    r.probes = 12;

    Run run;
    run.tls = TlsFacts {};
    run.steps.append({StepId::TlsHandshake, StepStatus::Ok, 0, 1, {}});
    TlsAudit::merge(r, ProbeOptions {}, run);

    QCOMPARE(run.tlsVersions.value(QStringLiteral("TLSv1.0")), QStringLiteral("accepted"));
    QCOMPARE(run.tlsVersions.value(QStringLiteral("TLSv1.3")), QStringLiteral("rejected"));
    QCOMPARE(run.ciphers.value(QStringLiteral("TLSv1.2")).size(), 2);
    QVERIFY(run.tlsAudit);
    QCOMPARE(run.tlsAudit->versionDetails.value(QStringLiteral("TLSv1.1")),
             QStringLiteral("alert protocol version"));
    QCOMPARE(run.tlsAudit->cipherOrder.value(QStringLiteral("TLSv1.2")), QStringLiteral("server"));
    // Rated through the registry by name (the enumeration gave names only).
    QCOMPARE(run.tlsAudit->weakCiphers.value(QStringLiteral("TLSv1.2")),
             QStringList {QStringLiteral(
                 "DES-CBC3-SHA (64-bit block cipher (Sweet32, CVE-2016-2183); no forward secrecy)")});
    QCOMPARE(
        run.tlsAudit->weakCiphers.value(QStringLiteral("TLSv1.0")),
        QStringList {QStringLiteral("ECDHE-RSA-AES256-SHA (CBC on TLS 1.0/1.1 (BEAST, Lucky13; RFC 8996))")});

    const Finding* legacy = run.finding(FindingIds::TlsLegacyVersionAccepted);
    QVERIFY(legacy);
    QVERIFY(legacy->detail.contains(QLatin1String("TLSv1.0")));
    QVERIFY(!legacy->detail.contains(QLatin1String("TLSv1.1")));
    QCOMPARE(legacy->step, std::optional<StepId>(StepId::TlsHandshake));
    // DES-CBC3-SHA is 3DES (Sweet32) with RSA key transport; TLS 1.0's suite is CBC (BEAST).
    QCOMPARE(findingIds(run), ids({FindingIds::OcspRevoked, FindingIds::StartTlsCommandInjection,
                                   FindingIds::TlsLegacyVersionAccepted, FindingIds::TlsCipher64BitBlock,
                                   FindingIds::TlsCipherNoForwardSecrecy,
                                   FindingIds::TlsCipherCbcLegacyVersion, FindingIds::Tls13NotSupported}));
    QCOMPARE(run.finding(FindingIds::TlsCipher64BitBlock)->detail, QStringLiteral("TLSv1.2: DES-CBC3-SHA"));
    QCOMPARE(run.finding(FindingIds::TlsCipherCbcLegacyVersion)->detail,
             QStringLiteral("TLSv1.0: ECDHE-RSA-AES256-SHA"));
    const Finding* injection = run.finding(FindingIds::StartTlsCommandInjection);
    QVERIFY(injection);
    QCOMPARE(injection->step, std::optional<StepId>(StepId::StartTls));
    QCOMPARE(injection->severity, Severity::Critical);
    QCOMPARE(run.tls->ocspStapled, std::optional<bool>(true));
    QCOMPARE(run.tls->ocspStatus, QStringLiteral("revoked"));
}

void TestTlsCiphers::mergeKeepsExistingFindings()
{
    TlsAuditResult r;
    r.versions.insert(QStringLiteral("TLSv1.0"), {QStringLiteral("accepted"), {}});
    r.ocsp = QStringLiteral("none");
    Run run;
    run.tls = TlsFacts {};
    run.findings.append(
        FindingCatalogue::make(FindingIds::TlsLegacyVersionAccepted, QStringLiteral("earlier")));
    TlsAudit::merge(r, ProbeOptions {}, run);
    // The finding that was already there stays, once, with its own detail; "none" for OCSP is a
    // fact, not an error, so nothing else is added.
    QCOMPARE(findingIds(run), ids({FindingIds::TlsLegacyVersionAccepted}));
    QCOMPARE(run.findings.constFirst().detail, QStringLiteral("earlier"));
    QCOMPARE(run.tls->ocspStapled, std::optional<bool>(false));
}

void TestTlsCiphers::mergeUnavailableIsNotRejected()
{
    TlsAuditResult r;
    r.versions.insert(QStringLiteral("TLSv1.0"), {QStringLiteral("unavailable-locally"),
                                                  QStringLiteral("Not testable from this machine: ...")});
    r.versions.insert(QStringLiteral("TLSv1.3"),
                      {QStringLiteral("unknown"), QStringLiteral("Connection refused")});
    r.untested = {QStringLiteral("TLSv1.3 version probe: Connection refused")};
    Run run;
    TlsAudit::merge(r, ProbeOptions {}, run);
    QCOMPARE(run.tlsVersions.value(QStringLiteral("TLSv1.0")), QStringLiteral("unavailable-locally"));
    // Not testable locally is not "accepted"; a probe that could not connect says nothing about
    // TLS 1.3 (no tls13-not-supported), but the audit is then incomplete, and says so (issue 11).
    QCOMPARE(run.tlsVersions.value(QStringLiteral("TLSv1.3")), QStringLiteral("unknown"));
    QCOMPARE(findingIds(run), ids({FindingIds::TlsAuditIncomplete}));
    QCOMPARE(run.finding(FindingIds::TlsAuditIncomplete)->detail,
             QStringLiteral("TLSv1.3 version probe: Connection refused"));
    QCOMPARE(run.verdict(), Verdict::Unknown);
}

void TestTlsCiphers::mergeNegotiatedVersionIsAccepted()
{
    // The probe met the server's connection limit; the main connection negotiated TLS 1.2.
    TlsAuditResult r;
    r.versions.insert(QStringLiteral("TLSv1.2"), {QStringLiteral("unknown"), QStringLiteral("421 too many")});
    r.versions.insert(QStringLiteral("TLSv1.3"),
                      {QStringLiteral("rejected"), QStringLiteral("protocol version")});
    r.untested = {QStringLiteral("TLSv1.2 version probe: 421 too many")};
    Run run;
    run.tls = TlsFacts {};
    run.tls->protocol = QStringLiteral("TLSv1.2");
    TlsAudit::merge(r, ProbeOptions {}, run);
    QCOMPARE(run.tlsVersions.value(QStringLiteral("TLSv1.2")), QStringLiteral("accepted"));
    // Its only gap is closed by the main connection: the audit is complete, the verdict follows
    // the findings (TLS 1.3 refused: information only).
    QCOMPARE(run.tlsAudit->untested, QStringList());
    QCOMPARE(findingIds(run), ids({FindingIds::Tls13NotSupported}));
    QCOMPARE(run.verdict(), Verdict::Ok);
}

QTEST_GUILESS_MAIN(TestTlsCiphers)
#include "TestTlsCiphers.moc"
