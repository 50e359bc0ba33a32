// RunComparison: two crafted runs whose differences are written out by hand below, the same two
// runs read back from JSON files, and the text and JSON renderings of the comparison.

#include "check/AllPortsCheck.h"
#include "cli/CompareCommand.h"
#include "findings/FindingCatalogue.h"
#include "run/ReportJson.h"
#include "run/ReportReader.h"
#include "run/RunComparison.h"
#include "run/VerdictOrder.h"
#include "TestPrinters.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

Finding finding(const QString& id, Severity severity)
{
    Finding f;
    f.id = id;
    f.severity = severity;
    f.title = id;
    return f;
}

CertificateInfo certificate(const QString& sha256, const QString& issuer, const QDateTime& notAfter)
{
    CertificateInfo c;
    c.subject = QStringLiteral("CN=mail.example.test");
    c.issuer = issuer;
    c.sha256 = sha256;
    c.notBefore = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    c.notAfter = notAfter;
    return c;
}

/// Last month's run: TLS 1.2, AUTH before TLS, a certificate expiring soon.
Run before()
{
    Run run;
    run.target = {QStringLiteral("mail.example.test"),
                  587,
                  Protocol::Smtp,
                  TlsMode::StartTls,
                  TlsPolicy::Enforce,
                  {QStringLiteral("127.0.0.1")},
                  QStringLiteral("127.0.0.1")};
    run.startedAt = QDateTime(QDate(2026, 11, 1), QTime(9, 0), Qt::UTC);
    run.steps = {
        {StepId::Resolve, StepStatus::Ok, 0, 3, {}},      {StepId::Connect, StepStatus::Ok, 3, 10, {}},
        {StepId::Banner, StepStatus::Ok, 13, 20, {}},     {StepId::Greeting, StepStatus::Ok, 33, 5, {}},
        {StepId::StartTls, StepStatus::Ok, 38, 4, {}},    {StepId::TlsHandshake, StepStatus::Ok, 42, 30, {}},
        {StepId::GreetingTls, StepStatus::Ok, 72, 5, {}}, {StepId::Quit, StepStatus::Ok, 77, 2, {}}};
    run.capabilitiesPlain = {QStringLiteral("PIPELINING"), QStringLiteral("STARTTLS"),
                             QStringLiteral("AUTH PLAIN LOGIN")};
    run.capabilitiesTls = {QStringLiteral("PIPELINING"), QStringLiteral("AUTH PLAIN LOGIN")};
    TlsFacts tls;
    tls.protocol = QStringLiteral("TLSv1.2");
    tls.cipher = QStringLiteral("ECDHE-RSA-AES256-GCM-SHA384");
    tls.keyExchange = QStringLiteral("ECDH");
    tls.verified = true;
    run.tls = tls;
    run.certificates = {certificate(QStringLiteral("AA:BB"), QStringLiteral("CN=Old CA"),
                                    QDateTime(QDate(2026, 11, 20), QTime(0, 0), Qt::UTC))};
    run.findings = {finding(FindingIds::PlaintextAuthOffered, Severity::Warning),
                    finding(FindingIds::CertExpiresSoon, Severity::Warning),
                    finding(FindingIds::Tls13NotSupported, Severity::Info)};
    return run;
}

/// Today's run: renewed certificate from another CA, TLS 1.3, no AUTH before TLS, but the
/// post-TLS greeting now warns and a SMTPUTF8 capability appeared.
Run after()
{
    Run run = before();
    run.startedAt = QDateTime(QDate(2026, 12, 1), QTime(9, 0), Qt::UTC);
    run.steps[2].durationMs = 900; // a slow banner changes a timing, not the outcome
    run.steps[6].status = StepStatus::Warning;
    run.capabilitiesPlain = {QStringLiteral("PIPELINING"), QStringLiteral("STARTTLS")};
    run.capabilitiesTls = {QStringLiteral("PIPELINING"), QStringLiteral("AUTH PLAIN LOGIN"),
                           QStringLiteral("SMTPUTF8")};
    run.tls->protocol = QStringLiteral("TLSv1.3");
    run.tls->cipher = QStringLiteral("TLS_AES_256_GCM_SHA384");
    run.tls->keyExchange = QStringLiteral("any");
    run.certificates = {certificate(QStringLiteral("CC:DD"), QStringLiteral("CN=New CA"),
                                    QDateTime(QDate(2027, 3, 1), QTime(0, 0), Qt::UTC))};
    run.findings = {finding(FindingIds::CertSha1Signature, Severity::Warning)};
    return run;
}

} // namespace

class TestRunComparison : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void craftedRuns();
    void identicalRunsDifferOnlyInTimings();
    void missingTlsAndSteps();
    void jsonRendering();
    void textRenderingEscapesServerText();
    void verdictOrder();
    void compareExitFollowsVerdictOrder_data();
    void compareExitFollowsVerdictOrder();
};

void TestRunComparison::craftedRuns()
{
    const RunComparison c = RunComparison::compare(before(), after());
    const QList<FieldChange> expected {
        {QStringLiteral("tls.protocol"), QStringLiteral("TLSv1.2"), QStringLiteral("TLSv1.3")},
        {QStringLiteral("tls.cipher"), QStringLiteral("ECDHE-RSA-AES256-GCM-SHA384"),
         QStringLiteral("TLS_AES_256_GCM_SHA384")},
        {QStringLiteral("tls.key_exchange"), QStringLiteral("ECDH"), QStringLiteral("any")},
        {QStringLiteral("certificate.sha256"), QStringLiteral("AA:BB"), QStringLiteral("CC:DD")},
        {QStringLiteral("certificate.not_after"), QStringLiteral("2026-11-20T00:00:00Z"),
         QStringLiteral("2027-03-01T00:00:00Z")},
        {QStringLiteral("certificate.issuer"), QStringLiteral("CN=Old CA"), QStringLiteral("CN=New CA")},
    };
    QCOMPARE(c.changes, expected);
    // Both verdicts are "warning": the verdict is not listed as a change.
    QCOMPARE(c.change(QStringLiteral("verdict")), nullptr);
    QCOMPARE(c.capabilitiesPlain.added, QStringList());
    QCOMPARE(c.capabilitiesPlain.removed, QStringList {QStringLiteral("AUTH PLAIN LOGIN")});
    QCOMPARE(c.capabilitiesTls.added, QStringList {QStringLiteral("SMTPUTF8")});
    QCOMPARE(c.capabilitiesTls.removed, QStringList());
    QCOMPARE(c.findings.added, QStringList {QStringLiteral("cert-sha1-signature")});
    QCOMPARE(c.findings.removed,
             (QStringList {QStringLiteral("cert-expires-soon"), QStringLiteral("plaintext-auth-offered"),
                           QStringLiteral("tls13-not-supported")}));
    QCOMPARE(c.steps.size(), 8);
    QCOMPARE(c.steps[2].id, StepId::Banner);
    QCOMPARE(c.steps[2].durationBefore, 20);
    QCOMPARE(c.steps[2].durationAfter, 900);
    QVERIFY(!c.steps[2].statusChanged());
    QCOMPARE(c.steps[6].id, StepId::GreetingTls);
    QCOMPARE(c.steps[6].statusBefore, StepStatus::Ok);
    QCOMPARE(c.steps[6].statusAfter, StepStatus::Warning);
    QVERIFY(c.steps[6].statusChanged());
    QVERIFY(!c.isUnchanged());
}

void TestRunComparison::identicalRunsDifferOnlyInTimings()
{
    Run b = before();
    b.startedAt = b.startedAt.addDays(1);
    for (StepRecord& s : b.steps)
        s.durationMs += 7;
    const RunComparison c = RunComparison::compare(before(), b);
    QCOMPARE(c.changes, QList<FieldChange>());
    QVERIFY(c.isUnchanged());
    QCOMPARE(c.steps[5].durationAfter, 37);
}

void TestRunComparison::missingTlsAndSteps()
{
    // The later run was refused STARTTLS: the TLS steps and facts are gone.
    Run b = before();
    b.steps.resize(5);
    b.steps[4].status = StepStatus::Failed;
    b.tls.reset();
    b.certificates.clear();
    b.findings = {finding(FindingIds::StartTlsRejected, Severity::Critical)};
    const RunComparison c = RunComparison::compare(before(), b);
    const QList<FieldChange> expected {
        {QStringLiteral("verdict"), QStringLiteral("warning"), QStringLiteral("critical")},
        {QStringLiteral("tls.protocol"), QStringLiteral("TLSv1.2"), QString()},
        {QStringLiteral("tls.cipher"), QStringLiteral("ECDHE-RSA-AES256-GCM-SHA384"), QString()},
        {QStringLiteral("tls.key_exchange"), QStringLiteral("ECDH"), QString()},
        {QStringLiteral("tls.verified"), QStringLiteral("yes"), QString()},
        {QStringLiteral("certificate.sha256"), QStringLiteral("AA:BB"), QString()},
        {QStringLiteral("certificate.not_after"), QStringLiteral("2026-11-20T00:00:00Z"), QString()},
        {QStringLiteral("certificate.issuer"), QStringLiteral("CN=Old CA"), QString()},
        {QStringLiteral("certificate.subject"), QStringLiteral("CN=mail.example.test"), QString()},
    };
    QCOMPARE(c.changes, expected);
    QCOMPARE(c.steps.size(), 8);
    QCOMPARE(c.steps[4].statusAfter, StepStatus::Failed);
    QCOMPARE(c.steps[5].id, StepId::TlsHandshake);
    QCOMPARE(c.steps[5].statusAfter, std::nullopt);
    QVERIFY(c.steps[5].statusChanged());
}

void TestRunComparison::jsonRendering()
{
    const Run a = before();
    const Run b = after();
    const QJsonObject json = RunComparison::compare(a, b).toJson(a, b);
    QCOMPARE(json.value(QStringLiteral("unchanged")).toBool(true), false);
    const QJsonArray changes = json.value(QStringLiteral("changes")).toArray();
    QCOMPARE(changes.size(), 6);
    QCOMPARE(changes[0].toObject().value(QStringLiteral("field")).toString(), QStringLiteral("tls.protocol"));
    QCOMPARE(changes[0].toObject().value(QStringLiteral("after")).toString(), QStringLiteral("TLSv1.3"));
    QCOMPARE(json[QStringLiteral("findings")][QStringLiteral("added")].toArray(),
             QJsonArray {QStringLiteral("cert-sha1-signature")});
    QCOMPARE(json[QStringLiteral("capabilities")][QStringLiteral("tls")][QStringLiteral("added")].toArray(),
             QJsonArray {QStringLiteral("SMTPUTF8")});
    const QJsonObject step = json[QStringLiteral("steps")].toArray()[6].toObject();
    QCOMPARE(step[QStringLiteral("id")].toString(), QStringLiteral("greeting-tls"));
    QCOMPARE(step[QStringLiteral("before")][QStringLiteral("status")].toString(), QStringLiteral("ok"));
    QCOMPARE(step[QStringLiteral("after")][QStringLiteral("status")].toString(), QStringLiteral("warning"));
    QCOMPARE(json[QStringLiteral("before")][QStringLiteral("port")].toInt(), 587);
}

void TestRunComparison::textRenderingEscapesServerText()
{
    Run b = after();
    b.capabilitiesTls.append(QStringLiteral("X-EVIL\x1b]0;owned\x07"));
    const QString text = RunComparison::compare(before(), b).toText(before(), b);
    QVERIFY2(!text.contains(QChar(0x1b)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Capabilities after TLS: + X-EVIL\\x1b]0;owned\\x07\n")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("TLS version: TLSv1.2 -> TLSv1.3\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Findings: - plaintext-auth-offered\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("* greeting-tls   ok 5 ms -> warning 5 ms\n")), qPrintable(text));
}

// One order for every "worst verdict" (README, exit codes): CRITICAL > UNKNOWN > WARNING > OK.
void TestRunComparison::verdictOrder()
{
    const QList<Verdict> bestToWorst {Verdict::Ok, Verdict::Warning, Verdict::Unknown, Verdict::Critical};
    for (qsizetype i = 0; i < bestToWorst.size(); ++i) {
        QCOMPARE(verdictRank(bestToWorst.at(i)), int(i));
        for (qsizetype j = 0; j < bestToWorst.size(); ++j) {
            const Verdict worse = bestToWorst.at(std::max(i, j));
            QCOMPARE(worseVerdict(bestToWorst.at(i), bestToWorst.at(j)), worse);
        }
    }
    // The all-ports overall verdict: a port that could not be judged outranks a warning.
    const auto row = [](Verdict v) {
        PortRow r;
        r.reachable = true;
        r.verdict = v;
        return r;
    };
    QCOMPARE(AllPortsCheck::worstVerdict({row(Verdict::Warning), row(Verdict::Unknown), row(Verdict::Ok)}),
             Verdict::Unknown);
    QCOMPARE(AllPortsCheck::worstVerdict({row(Verdict::Unknown), row(Verdict::Critical)}), Verdict::Critical);
}

void TestRunComparison::compareExitFollowsVerdictOrder_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<int>("exitCode"); // 2: got worse; 1: changed, not worse
    QTest::newRow("warning-to-unknown") << "warning"
                                        << "unknown" << 2;
    QTest::newRow("unknown-to-warning") << "unknown"
                                        << "warning" << 1;
    QTest::newRow("ok-to-warning") << "ok"
                                   << "warning" << 2;
    QTest::newRow("unknown-to-critical") << "unknown"
                                         << "critical" << 2;
    QTest::newRow("critical-to-unknown") << "critical"
                                         << "unknown" << 1;
}

void TestRunComparison::compareExitFollowsVerdictOrder()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(int, exitCode);
    // A run with exactly that verdict: warnings only, a critical finding, or stopped (unknown).
    const auto runWith = [](const QString& verdict) {
        Run run = ::before();
        run.findings.clear();
        if (verdict == QLatin1String("warning"))
            run.findings = {finding(FindingIds::PlaintextAuthOffered, Severity::Warning)};
        else if (verdict == QLatin1String("critical"))
            run.findings = {finding(FindingIds::CertExpired, Severity::Critical)};
        else if (verdict == QLatin1String("unknown"))
            run.aborted = true;
        return run;
    };
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList files;
    for (const QString& verdict : {before, after}) {
        const Run run = runWith(verdict);
        QCOMPARE(toKey(run.verdict()), verdict);
        QSaveFile file(dir.filePath(verdict + QStringLiteral(".json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(ReportJson::toJson(run));
        QVERIFY(file.commit());
        files.append(file.fileName());
    }
    QString outText;
    QString errText;
    QTextStream out(&outText);
    QTextStream err(&errText);
    QCommandLineParser parser;
    parser.addHelpOption(); // as mailscope-cli's main() does before handing over
    const int code = CompareCommand::main(
        parser, {QStringLiteral("mailscope-cli"), QStringLiteral("compare"), files.at(0), files.at(1)}, false,
        out, err);
    QVERIFY2(errText.isEmpty(), qPrintable(errText));
    QCOMPARE(code, exitCode);
}

QTEST_GUILESS_MAIN(TestRunComparison)
#include "TestRunComparison.moc"
