// TlsAudit::merge over accepted suites (TlsSuiteFindings, SuiteRating): one finding per class of
// broken or weak suite, SSL 2.0/3.0, DH sizes and groups, each naming its evidence.
//
// Expected names and codes are OpenSSL's (`openssl ciphers -V 'ALL:COMPLEMENTOFALL'` on an OpenSSL
// that still has them, and testssl.sh's mapping), classes are what the RFC or advisory cited in
// the catalogue says about that suite; nothing is taken from the code under test.

#include "audit/TlsAudit.h"
#include "audit/TlsSuiteFindings.h"
#include "findings/TlsSuiteCatalogue.h"
#include "RunHelpers.h"
#include "tls/CipherSuiteTable.h"
#include "tls/SuiteRating.h"

#include <cstring>
#include <QTest>

namespace {

/// One accepted suite as a test row writes it.
struct Accepted
{
    Accepted(QString v, quint32 c, int dh = 0, QString g = {})
        : version(std::move(v))
        , code(c)
        , dhBits(dh)
        , group(std::move(g))
    {
    }
    QString version;
    quint32 code;
    int dhBits;
    QString group;
};

TlsAuditResult resultOf(const QList<Accepted>& accepted, const QMap<QString, QStringList>& groups = {})
{
    TlsAuditResult r;
    for (const Accepted& a : accepted) {
        r.versions.insert(a.version, {QStringLiteral("accepted"), {}});
        r.suites[a.version].append(AcceptedSuite {a.code, a.dhBits, a.group});
    }
    r.groups = groups;
    return r;
}

Run merged(const TlsAuditResult& r)
{
    Run run;
    run.tls = TlsFacts {};
    TlsAudit::merge(r, ProbeOptions {}, run);
    return run;
}

} // namespace

Q_DECLARE_METATYPE(QList<Accepted>)

class TestTlsSuiteFindings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachClass_data();
    void eachClass();
    void cleanModernSetHasNoFindings();
    void dhSizes_data();
    void dhSizes();
    void weakGroups();
    void evidenceIsGroupedAndBounded();
    void sslVersionRowWithoutSuites();
    void namesOnlyGoThroughTheRegistry();
    void everyWeakSuiteHasAFinding();
    void ratingFollowsWhatTheServerChose();
    void codeText();
};

void TestTlsSuiteFindings::eachClass_data()
{
    QTest::addColumn<QList<Accepted>>("accepted");
    QTest::addColumn<QStringList>("expected"); ///< every finding id the run gets
    QTest::addColumn<QString>("id"); ///< the class under test
    QTest::addColumn<QString>("detail"); ///< its evidence, exactly
    QTest::addColumn<Severity>("severity");
    const QString v12 = QStringLiteral("TLSv1.2");
    // Each suite is chosen so that it belongs to the class under test only (ECDHE: forward secret;
    // TLS 1.2: CBC is not a version problem), unless the row says otherwise.
    QTest::newRow("RC4 (RFC 7465)") << QList<Accepted> {{v12, 0xC011}}
                                    << QStringList {FindingIds::TlsCipherRc4}
                                    << QString(FindingIds::TlsCipherRc4)
                                    << QStringLiteral("TLSv1.2: ECDHE-RSA-RC4-SHA") << Severity::Critical;
    QTest::newRow("3DES (Sweet32)") << QList<Accepted> {{v12, 0xC012}}
                                    << QStringList {FindingIds::TlsCipher64BitBlock}
                                    << QString(FindingIds::TlsCipher64BitBlock)
                                    << QStringLiteral("TLSv1.2: ECDHE-RSA-DES-CBC3-SHA") << Severity::Warning;
    // 512-bit DH with an export suite is the export finding's (Logjam), not a second one.
    QTest::newRow("export (FREAK, Logjam)")
        << QList<Accepted> {{v12, 0x0014, 512}} << QStringList {FindingIds::TlsCipherExport}
        << QString(FindingIds::TlsCipherExport) << QStringLiteral("TLSv1.2: EXP-EDH-RSA-DES-CBC-SHA")
        << Severity::Critical;
    QTest::newRow("NULL") << QList<Accepted> {{v12, 0xC010}} << QStringList {FindingIds::TlsCipherNull}
                          << QString(FindingIds::TlsCipherNull)
                          << QStringLiteral("TLSv1.2: ECDHE-RSA-NULL-SHA") << Severity::Critical;
    QTest::newRow("anonymous") << QList<Accepted> {{v12, 0xC018}}
                               << QStringList {FindingIds::TlsCipherAnonymous}
                               << QString(FindingIds::TlsCipherAnonymous)
                               << QStringLiteral("TLSv1.2: AECDH-AES128-SHA") << Severity::Warning;
    QTest::newRow("single DES") << QList<Accepted> {{v12, 0x0015, 2048}}
                                << QStringList {FindingIds::TlsCipherDes} << QString(FindingIds::TlsCipherDes)
                                << QStringLiteral("TLSv1.2: EDH-RSA-DES-CBC-SHA") << Severity::Critical;
    QTest::newRow("static RSA") << QList<Accepted> {{v12, 0x009C}}
                                << QStringList {FindingIds::TlsCipherNoForwardSecrecy}
                                << QString(FindingIds::TlsCipherNoForwardSecrecy)
                                << QStringLiteral("TLSv1.2: AES128-GCM-SHA256") << Severity::Warning;
    // CBC with TLS 1.0 and 1.1 alike, one finding for both; the versions themselves are the
    // legacy-version finding.
    QTest::newRow("CBC on TLS 1.0 and 1.1")
        << QList<Accepted> {{QStringLiteral("TLSv1.0"), 0xC013}, {QStringLiteral("TLSv1.1"), 0xC013}}
        << QStringList {FindingIds::TlsCipherCbcLegacyVersion, FindingIds::TlsLegacyVersionAccepted}
        << QString(FindingIds::TlsCipherCbcLegacyVersion)
        << QStringLiteral("TLSv1.0, TLSv1.1: ECDHE-RSA-AES128-SHA") << Severity::Warning;
    // The same suite with TLS 1.2 is fine (acceptable), and with SSL 3.0 it is POODLE.
    QTest::newRow("SSLv3 (POODLE)") << QList<Accepted> {{QStringLiteral("SSLv3"), 0xC013}}
                                    << QStringList {FindingIds::TlsSslV3Accepted}
                                    << QString(FindingIds::TlsSslV3Accepted)
                                    << QStringLiteral("SSLv3 accepted with: ECDHE-RSA-AES128-SHA")
                                    << Severity::Critical;
    // SSL 2.0 cipher kinds (three-byte codes, RFC 6101 appendix E) are its evidence only.
    QTest::newRow("SSLv2 (DROWN)") << QList<Accepted> {{QStringLiteral("SSLv2"), 0x0700C0},
                                                       {QStringLiteral("SSLv2"), 0x020080}}
                                   << QStringList {FindingIds::TlsSslV2Accepted}
                                   << QString(FindingIds::TlsSslV2Accepted)
                                   << QStringLiteral("SSLv2 accepted with: DES-CBC3-MD5, EXP-RC4-MD5")
                                   << Severity::Critical;
    // An anonymous RC4 suite is two problems with two fixes (!aNULL, !RC4); MD5 is covered by them.
    QTest::newRow("anonymous RC4") << QList<Accepted> {{v12, 0x0018, 2048}}
                                   << QStringList {FindingIds::TlsCipherAnonymous, FindingIds::TlsCipherRc4}
                                   << QString(FindingIds::TlsCipherRc4)
                                   << QStringLiteral("TLSv1.2: ADH-RC4-MD5") << Severity::Critical;
    // What no class covers: GOST with an MD5 MAC (and RSA key transport, a class of its own).
    QTest::newRow("MD5 MAC, no class")
        << QList<Accepted> {{v12, 0xFF00}}
        << QStringList {FindingIds::TlsCipherNoForwardSecrecy, FindingIds::TlsWeakCipher}
        << QString(FindingIds::TlsWeakCipher)
        << QStringLiteral("TLSv1.2: GOST-MD5 (MD5 message authentication; no "
                          "forward secrecy)")
        << Severity::Critical;
}

void TestTlsSuiteFindings::eachClass()
{
    QFETCH(QList<Accepted>, accepted);
    QFETCH(QStringList, expected);
    QFETCH(QString, id);
    QFETCH(QString, detail);
    QFETCH(Severity, severity);
    const Run run = merged(resultOf(accepted));
    QCOMPARE(findingIds(run), ids(expected));
    const Finding* f = run.finding(id);
    QVERIFY(f);
    QCOMPARE(f->detail, detail);
    QCOMPARE(f->severity, severity);
    QCOMPARE(f->step, std::optional<StepId>(StepId::TlsHandshake));
    QVERIFY2(!f->title.isEmpty() && f->title != id, qPrintable(id)); // from the catalogue
}

void TestTlsSuiteFindings::cleanModernSetHasNoFindings()
{
    // What Mozilla's "intermediate" profile allows: ECDHE with AEAD on TLS 1.2, TLS 1.3's suites,
    // X25519 and P-256, DHE only with 2048 bits.
    const QString v12 = QStringLiteral("TLSv1.2");
    const QString v13 = QStringLiteral("TLSv1.3");
    const Run run = merged(resultOf(
        {{v12, 0xC02F, 0, QStringLiteral("x25519")},
         {v12, 0xC030, 0, QStringLiteral("x25519")},
         {v12, 0xCCA8, 0, QStringLiteral("secp256r1")},
         {v12, 0x009E, 2048},
         {v13, 0x1301, 0, QStringLiteral("x25519")},
         {v13, 0x1302, 0, QStringLiteral("x25519")},
         {v13, 0x1303, 0, QStringLiteral("ffdhe2048")}},
        {{v12, {QStringLiteral("x25519"), QStringLiteral("secp256r1"), QStringLiteral("secp384r1")}},
         {v13, {QStringLiteral("x25519"), QStringLiteral("secp256r1"), QStringLiteral("ffdhe2048")}}}));
    QCOMPARE(findingIds(run), ids({}));
    QVERIFY(run.tlsAudit);
    QCOMPARE(run.tlsAudit->weakCiphers, (QMap<QString, QStringList> {}));
    QCOMPARE(run.tlsAudit->suites.value(v12).size(), 4);
    QCOMPARE(run.tlsAudit->groups.value(v13).size(), 3);
    // run.ciphers holds the same suites by name, in the same order.
    QCOMPARE(run.ciphers.value(v12), (QStringList {QStringLiteral("ECDHE-RSA-AES128-GCM-SHA256"),
                                                   QStringLiteral("ECDHE-RSA-AES256-GCM-SHA384"),
                                                   QStringLiteral("ECDHE-RSA-CHACHA20-POLY1305"),
                                                   QStringLiteral("DHE-RSA-AES128-GCM-SHA256")}));
}

void TestTlsSuiteFindings::dhSizes_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("rating");
    // RFC 7919's smallest group is 2048 bits; 1024 is within reach of a well-funded attacker;
    // under 1024 is broken with academic resources (Logjam, CVE-2015-4000).
    QTest::newRow("512") << 512 << QStringList {FindingIds::TlsDhInsecure} << "insecure";
    QTest::newRow("768") << 768 << QStringList {FindingIds::TlsDhInsecure} << "insecure";
    QTest::newRow("1023") << 1023 << QStringList {FindingIds::TlsDhInsecure} << "insecure";
    QTest::newRow("1024") << 1024 << QStringList {FindingIds::TlsDhWeak} << "weak";
    QTest::newRow("1536") << 1536 << QStringList {FindingIds::TlsDhWeak} << "weak";
    QTest::newRow("2047") << 2047 << QStringList {FindingIds::TlsDhWeak} << "weak";
    QTest::newRow("2048") << 2048 << QStringList {} << "recommended";
    QTest::newRow("4096") << 4096 << QStringList {} << "recommended";
}

void TestTlsSuiteFindings::dhSizes()
{
    QFETCH(int, bits);
    QFETCH(QStringList, expected);
    QFETCH(QString, rating);
    const QString v12 = QStringLiteral("TLSv1.2");
    // DHE-RSA-AES128-GCM-SHA256 (0x00,0x9E): forward secret AEAD, so only the size can be wrong.
    const Run run = merged(resultOf({{v12, 0x009E, bits}, {v12, 0xC02F, 0, QStringLiteral("x25519")}}));
    QCOMPARE(findingIds(run), ids(expected));
    if (!expected.isEmpty()) {
        QCOMPARE(run.finding(expected.constFirst())->detail,
                 QStringLiteral("TLSv1.2: DHE-RSA-AES128-GCM-SHA256 (%1 bits)").arg(bits));
    }
    const RatedSuite r = SuiteRating::rate({0x009E, bits, {}}, v12);
    QCOMPARE(CipherSuiteTable::className(r.rating.value()), rating);
    QCOMPARE(r.reasons.size(), expected.size());
}

void TestTlsSuiteFindings::weakGroups()
{
    const QString v12 = QStringLiteral("TLSv1.2");
    const QString v13 = QStringLiteral("TLSv1.3");
    // A suite's own group (secp192r1 chosen for ECDHE) and the groups probed per version
    // (sect163k1 = 1, and 0x0016 = secp256k1 as the parser names an unnamed code): all deprecated
    // by RFC 8422 s.5.1.1. X25519, P-256 and brainpool are not.
    const Run run = merged(resultOf(
        {{v12, 0xC02F, 0, QStringLiteral("secp192r1")}, {v13, 0x1301, 0, QStringLiteral("x25519")}},
        {{v12, {QStringLiteral("x25519"), QStringLiteral("sect163k1"), QStringLiteral("brainpoolP256r1")}},
         {v13, {QStringLiteral("x25519"), QStringLiteral("0x0016")}}}));
    QCOMPARE(findingIds(run), ids({FindingIds::TlsGroupWeak}));
    QCOMPARE(
        run.finding(FindingIds::TlsGroupWeak)->detail,
        // 0x0016 is secp256k1 (RFC 4492 s.5.1.1), named in the evidence.
        QStringLiteral("secp256k1: deprecated by RFC 8422 (with TLSv1.3); secp192r1: a 192-bit curve (under "
                       "128-bit strength), deprecated by RFC 8422 (with TLSv1.2); sect163k1: a 163-bit curve "
                       "(under 128-bit strength), deprecated by RFC 8422 (with TLSv1.2)"));
    QCOMPARE(run.finding(FindingIds::TlsGroupWeak)->severity, Severity::Warning);
    // The suite that used the deprecated curve is rated weak for it.
    const RatedSuite r = SuiteRating::rate({0xC02F, 0, QStringLiteral("secp192r1")}, v12);
    QCOMPARE(r.rating, std::optional(SuiteClass::Weak));
    QCOMPARE(SuiteRating::groupWeakness(QStringLiteral("secp256r1")), QString());
    QCOMPARE(SuiteRating::groupWeakness(QStringLiteral("x448")), QString());
    QCOMPARE(SuiteRating::groupWeakness(QStringLiteral("0xff01")),
             QStringLiteral("0xff01: explicit curve parameters, deprecated by RFC 8422"));
}

void TestTlsSuiteFindings::evidenceIsGroupedAndBounded()
{
    // Every static-RSA suite with a sound cipher (AES, Camellia, ARIA, SEED; no MD5), all with
    // TLS 1.2: the evidence lists at most EvidenceNames names, then how many more.
    static const QStringList sound {
        QStringLiteral("AES"),     QStringLiteral("AESGCM"),   QStringLiteral("AESCCM"),
        QStringLiteral("AESCCM8"), QStringLiteral("Camellia"), QStringLiteral("CamelliaGCM"),
        QStringLiteral("ARIA"),    QStringLiteral("ARIAGCM"),  QStringLiteral("SEED")};
    QList<Accepted> accepted;
    QStringList names;
    for (const CipherSuiteInfo& s : CipherSuiteTable::all()) {
        if (s.sslV2 || s.exportGrade || std::strcmp(s.keyExchange, "RSA") != 0
            || std::strcmp(s.authentication, "RSA") != 0 || std::strcmp(s.mac, "MD5") == 0
            || !sound.contains(QLatin1String(s.encryption)))
            continue;
        accepted.append({QStringLiteral("TLSv1.2"), s.code});
        names.append(CipherSuiteTable::displayName(s));
    }
    QVERIFY2(accepted.size() > TlsSuiteFindings::EvidenceNames, qPrintable(names.join(QLatin1Char(' '))));
    const Run run = merged(resultOf(accepted));
    QCOMPARE(findingIds(run), ids({FindingIds::TlsCipherNoForwardSecrecy}));
    QCOMPARE(run.finding(FindingIds::TlsCipherNoForwardSecrecy)->detail,
             QStringLiteral("TLSv1.2: %1, and %2 more")
                 .arg(names.mid(0, TlsSuiteFindings::EvidenceNames).join(QStringLiteral(", ")))
                 .arg(names.size() - TlsSuiteFindings::EvidenceNames));
    // The suite list keeps them all.
    QCOMPARE(run.tlsAudit->suites.value(QStringLiteral("TLSv1.2")).size(), accepted.size());
    QCOMPARE(run.tlsAudit->weakCiphers.value(QStringLiteral("TLSv1.2")).size(), accepted.size());
}

void TestTlsSuiteFindings::sslVersionRowWithoutSuites()
{
    // The version probe was accepted but no suite was enumerated: the version alone is the finding.
    TlsAuditResult r;
    r.versions.insert(QStringLiteral("SSLv3"), {QStringLiteral("accepted"), {}});
    r.versions.insert(QStringLiteral("SSLv2"),
                      {QStringLiteral("rejected"), QStringLiteral("handshake_failure")});
    const Run run = merged(r);
    QCOMPARE(findingIds(run), ids({FindingIds::TlsSslV3Accepted}));
    QCOMPARE(run.finding(FindingIds::TlsSslV3Accepted)->detail, QStringLiteral("SSLv3 accepted"));
    QCOMPARE(run.verdict(), Verdict::Critical);
}

void TestTlsSuiteFindings::namesOnlyGoThroughTheRegistry()
{
    // The local library's enumeration gives names only: the same suites, found by name, are judged
    // the same way, and listed as suites when every name is known.
    TlsAuditResult r;
    r.versions.insert(QStringLiteral("TLSv1.2"), {QStringLiteral("accepted"), {}});
    r.versions.insert(QStringLiteral("TLSv1.1"), {QStringLiteral("accepted"), {}});
    r.ciphers.insert(QStringLiteral("TLSv1.2"),
                     {QStringLiteral("ECDHE-RSA-AES128-GCM-SHA256"), QStringLiteral("ECDHE-RSA-RC4-SHA")});
    // An IANA name is found too; a name the registry does not know is left out of the suites.
    r.ciphers.insert(QStringLiteral("TLSv1.1"),
                     {QStringLiteral("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), QStringLiteral("NO-SUCH-SUITE")});
    const Run run = merged(r);
    QCOMPARE(findingIds(run), ids({FindingIds::TlsCipherRc4, FindingIds::TlsCipherCbcLegacyVersion,
                                   FindingIds::TlsLegacyVersionAccepted}));
    QCOMPARE(run.finding(FindingIds::TlsCipherCbcLegacyVersion)->detail,
             QStringLiteral("TLSv1.1: ECDHE-RSA-AES128-SHA"));
    QCOMPARE(run.tlsAudit->suites.value(QStringLiteral("TLSv1.2")),
             (QList<AcceptedSuite> {{0xC02F, 0, {}}, {0xC011, 0, {}}}));
    QVERIFY(!run.tlsAudit->suites.contains(QStringLiteral("TLSv1.1")));
    // The names stay as the enumeration gave them.
    QCOMPARE(run.ciphers.value(QStringLiteral("TLSv1.1")).size(), 2);
    QCOMPARE(run.tlsAudit->weakCiphers.value(QStringLiteral("TLSv1.2")),
             QStringList {QStringLiteral("ECDHE-RSA-RC4-SHA (RC4, prohibited by RFC 7465)")});
}

void TestTlsSuiteFindings::everyWeakSuiteHasAFinding()
{
    // Whatever the server accepts, a suite rated weak or insecure is evidence of some finding, so
    // a report can never show a red suite without saying why it matters. Each suite alone, with
    // TLS 1.2 (TLS 1.3 suites with TLS 1.3) and a good DH size where it has one.
    int weak = 0;
    for (const CipherSuiteInfo& s : CipherSuiteTable::all()) {
        const QString version = s.sslV2                            ? QStringLiteral("SSLv2")
                                : s.oldest == SuiteProtocol::Tls13 ? QStringLiteral("TLSv1.3")
                                                                   : QStringLiteral("TLSv1.2");
        const RatedSuite rated = SuiteRating::rate({s.code, 0, {}}, version);
        QVERIFY(rated.rating);
        if (*rated.rating > SuiteClass::Weak)
            continue;
        ++weak;
        const Run run = merged(resultOf({{version, s.code}}));
        QVERIFY2(!run.findings.isEmpty(), qPrintable(rated.name));
        QVERIFY2(!rated.reasons.isEmpty(), qPrintable(rated.name));
    }
    QVERIFY2(weak > 200, qPrintable(QString::number(weak)));
}

void TestTlsSuiteFindings::ratingFollowsWhatTheServerChose()
{
    // ECDHE-RSA-AES128-SHA (0xC0,0x13): acceptable with TLS 1.2, weak with TLS 1.0 (CBC, BEAST),
    // insecure with SSL 3.0 (POODLE).
    const auto rating = [](const QString& version) {
        return CipherSuiteTable::className(SuiteRating::rate({0xC013, 0, {}}, version).rating.value());
    };
    QCOMPARE(rating(QStringLiteral("TLSv1.2")), QStringLiteral("acceptable"));
    QCOMPARE(rating(QStringLiteral("TLSv1.1")), QStringLiteral("weak"));
    QCOMPARE(rating(QStringLiteral("TLSv1.0")), QStringLiteral("weak"));
    QCOMPARE(rating(QStringLiteral("SSLv3")), QStringLiteral("insecure"));
    QCOMPARE(SuiteRating::rate({0xC013, 0, {}}, QStringLiteral("SSLv3")).reasons,
             QStringList {QStringLiteral("SSL 3.0 (POODLE; RFC 7568)")});
    // A code the registry does not know has no rating, and its code as its name.
    const RatedSuite unknown = SuiteRating::rate({0x5A5A, 0, {}}, QStringLiteral("TLSv1.2"));
    QVERIFY(!unknown.rating);
    QCOMPARE(unknown.name, QStringLiteral("0x5A,0x5A"));
}

void TestTlsSuiteFindings::codeText()
{
    // testssl.sh and sslscan write codes this way.
    QCOMPARE(SuiteRating::codeText(0xC02F, false), QStringLiteral("0xC0,0x2F"));
    QCOMPARE(SuiteRating::codeText(0x000A, false), QStringLiteral("0x00,0x0A"));
    QCOMPARE(SuiteRating::codeText(0x0700C0, true), QStringLiteral("0x07,0x00,0xC0"));
    QCOMPARE(SuiteRating::parseCode(QStringLiteral("0xC0,0x2F"), false), std::optional<quint32>(0xC02F));
    QCOMPARE(SuiteRating::parseCode(QStringLiteral("0x07,0x00,0xC0"), true),
             std::optional<quint32>(0x0700C0));
    for (const char* bad :
         {"0xC0,0x2F,0x00", "C0,2F", "0xC0;0x2F", "0xC0,0x2", "0xC0,0xZZ", "", "0xC0,0x2F "})
        QCOMPARE(SuiteRating::parseCode(QLatin1String(bad), false), std::nullopt);
    QCOMPARE(SuiteRating::parseCode(QStringLiteral("0xC0,0x2F"), true), std::nullopt);
}

QTEST_GUILESS_MAIN(TestTlsSuiteFindings)
#include "TestTlsSuiteFindings.moc"
