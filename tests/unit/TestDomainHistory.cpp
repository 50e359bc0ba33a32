// Domain checks in the history and in compare: DomainReportReader reads back what
// DomainReportJson wrote (each demo domain, checked against the built-in demo server), refuses a
// malformed document with the place and the reason, RunHistory keeps domain reports beside run
// reports, and DomainComparison says exactly what changed between two checks.

#include "demo/DemoDomain.h"
#include "demo/DemoServer.h"
#include "dns/StaticResolver.h"
#include "domain/DomainCheck.h"
#include "domain/DomainComparison.h"
#include "domain/DomainHistory.h"
#include "domain/DomainReportJson.h"
#include "domain/DomainReportReader.h"
#include "run/ReportJson.h"
#include "TestPrinters.h"

#include <functional>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

namespace {

using Edit = std::function<void(QJsonObject&)>;

/// `o[path...] = value` for a path of keys and indexes ("mx", 0, "tlsa", "dane").
void setAt(QJsonObject& o, const QVariantList& path, const QJsonValue& value)
{
    const QString key = path.first().toString();
    if (path.size() == 1) {
        if (value.isUndefined())
            o.remove(key);
        else
            o.insert(key, value);
        return;
    }
    const QVariantList rest = path.mid(1);
    if (rest.first().typeId() == QMetaType::Int) {
        QJsonArray a = o.value(key).toArray();
        QJsonObject item = a.at(rest.first().toInt()).toObject();
        if (rest.size() == 1) {
            a.replace(rest.first().toInt(), value);
        } else {
            setAt(item, rest.mid(1), value);
            a.replace(rest.first().toInt(), item);
        }
        o.insert(key, a);
        return;
    }
    QJsonObject child = o.value(key).toObject();
    setAt(child, rest, value);
    o.insert(key, child);
}

} // namespace

Q_DECLARE_METATYPE(Edit)

class TestDomainHistory final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readerRoundTripsEveryDemoDomain_data();
    void readerRoundTripsEveryDemoDomain();
    void malformedReportsAreRefusedWithTheirPlace_data();
    void malformedReportsAreRefusedWithTheirPlace();
    void reportFileTellsTheKindsApart();
    void historyKeepsDomainChecksBesideRuns();
    void compareOfTwoChecksOfTheDemoDomain();
    void compareOfChangedRecords();

private:
    DomainReport check(const QString& domain, bool staleTlsa = false);
    DemoServer m_demo;
    QMap<QString, DomainReport> m_reports;
};

void TestDomainHistory::initTestCase()
{
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
    m_demo.setIdleTimeout(30000);
    for (const QString& domain : DemoDomain::domains()) {
        m_reports.insert(domain, check(domain));
        QVERIFY2(m_reports.value(domain).startedAt.isValid(), qPrintable(domain));
    }
}

DomainReport TestDomainHistory::check(const QString& domain, bool staleTlsa)
{
    StaticResolver resolver;
    DemoDomain::populate(resolver, m_demo.goodCertificate());
    if (staleTlsa) {
        // The zone after a certificate change nobody told DNS about: the old DANE-EE digest.
        DnsAnswer stale;
        stale.security = DnsSecurity::Secure;
        stale.tlsa = {TlsaRecord {3, 1, 1, QByteArray(32, '\x42')}};
        resolver.add(QStringLiteral("_25._tcp.mx.demo.test"), DnsType::Tlsa, stale);
    }
    DomainCheckOptions options;
    options.smtpPort = m_demo.port(Protocol::Smtp, TlsMode::StartTls);
    options.extraCaCertificates = m_demo.caCertificates();
    options.stepTimeoutMs = 10000;
    DomainCheck c(domain, &resolver, options);
    QSignalSpy done(&c, &DomainCheck::finished);
    c.start();
    if (!done.wait(60000))
        return {};
    return c.report();
}

void TestDomainHistory::readerRoundTripsEveryDemoDomain_data()
{
    QTest::addColumn<QString>("domain");
    for (const QString& domain : DemoDomain::domains())
        QTest::newRow(qPrintable(domain)) << domain;
}

void TestDomainHistory::readerRoundTripsEveryDemoDomain()
{
    QFETCH(QString, domain);
    const DomainReport& original = m_reports[domain];
    const QByteArray json = DomainReportJson::toJson(original);
    const DomainReportReader::Result read = DomainReportReader::read(json);
    QVERIFY2(read.report, qPrintable(read.error));
    QCOMPARE(read.error, QString());
    // Everything the report says survives: rendered again, it is the same document.
    QCOMPARE(DomainReportJson::toObject(*read.report), QJsonDocument::fromJson(json).object());
    QCOMPARE(read.report->findingIds(), original.findingIds());
    QCOMPARE(read.report->verdict(), original.verdict());
    QCOMPARE(read.report->mx.size(), original.mx.size());
    for (qsizetype i = 0; i < original.mx.size(); ++i) {
        QCOMPARE(read.report->mx[i].runs.size(), original.mx[i].runs.size());
        for (qsizetype r = 0; r < original.mx[i].runs.size(); ++r)
            QCOMPARE(ReportJson::toObject(read.report->mx[i].runs[r].run),
                     ReportJson::toObject(original.mx[i].runs[r].run));
    }
    // A second pass changes nothing either.
    const DomainReportReader::Result again = DomainReportReader::read(DomainReportJson::toJson(*read.report));
    QVERIFY(again.report);
    QCOMPARE(DomainReportJson::toJson(*again.report), json);
}

void TestDomainHistory::malformedReportsAreRefusedWithTheirPlace_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("error");
    const auto row = [](const char* name, Edit edit, const QString& error) {
        QTest::newRow(name) << edit << QByteArray() << error;
    };
    const auto set = [](QVariantList path, QJsonValue v) {
        return Edit([=](QJsonObject& o) { setAt(o, path, v); });
    };
    row("no kind: a run report", set({"kind"}, QJsonValue::Undefined),
        "This is a run report of one server, not a domain report.");
    row("another kind", set({"kind"}, QStringLiteral("mailbox")),
        "Not a domain report: its \"kind\" is not \"domain\".");
    row("schema 2", set({"schema_version"}, 2),
        "The domain report has no schema_version 1, the one this Mailscope reads.");
    row("domain missing", set({"domain"}, QJsonValue::Undefined),
        "Not a valid domain report: domain: missing");
    row("mx not a list", set({"mx"}, QStringLiteral("mx.demo.test")),
        "Not a valid domain report: mx: expected an array");
    row("unknown dane status", set({"mx", 0, "tlsa", "dane"}, QStringLiteral("maybe")),
        "Not a valid domain report: mx[0].tlsa.dane: unknown value \"maybe\"");
    row("unknown dnssec status", set({"mx_dnssec"}, QStringLiteral("trusted")),
        "Not a valid domain report: mx_dnssec: unknown value \"trusted\"");
    row("tlsa usage beyond a byte", set({"mx", 0, "tlsa", "records", 0, "usage"}, 256),
        "Not a valid domain report: mx[0].tlsa.records[0].usage: expected a whole number from 0 to 255");
    row("tlsa data not hex", set({"mx", 0, "tlsa", "records", 0, "data"}, QStringLiteral("zz")),
        "Not a valid domain report: mx[0].tlsa.records[0].data: expected hexadecimal digits");
    row("dane usage a string", set({"mx", 0, "runs", 0, "dane_usage"}, QStringLiteral("3")),
        "Not a valid domain report: mx[0].runs[0].dane_usage: expected a whole number from 0 to 255");
    row("embedded run broken", set({"mx", 0, "runs", 0, "report", "steps"}, 5),
        "Not a valid domain report: mx[0].runs[0].report: Not a valid report: steps: expected an array");
    row("embedded run of another schema", set({"mx", 0, "runs", 0, "report", "schema_version"}, 7),
        "Not a valid domain report: mx[0].runs[0].report: The report has schema_version 7; this Mailscope "
        "reads schema_version 1.");
    row("policy mode unknown",
        set({"mta_sts", "policy"},
            QJsonObject {{"mode", "strict"}, {"mx", QJsonArray {"mx.demo.test"}}, {"max_age", 86400}}),
        "Not a valid domain report: mta_sts.policy.mode: unknown value \"strict\"");
    row("verdict unknown word", set({"verdict"}, QStringLiteral("fine")),
        "Not a valid domain report: verdict: unknown value \"fine\"");
    row("finding without severity", set({"findings"}, QJsonArray {QJsonObject {{"id", "x"}}}),
        "Not a valid domain report: findings[0].severity: missing");
    QTest::newRow("not json") << Edit() << QByteArray("{\"kind\": \"domain\", ")
                              << "Not valid JSON at byte 19: unterminated object";
    QTest::newRow("nested 17 deep") << Edit() << (QByteArray(17, '[') + QByteArray(17, ']'))
                                    << "The report nests deeper than 16 levels.";
    QTest::newRow("not an object") << Edit() << QByteArray("[]")
                                   << "Not a Mailscope report: the document is not a JSON object.";
}

void TestDomainHistory::malformedReportsAreRefusedWithTheirPlace()
{
    QFETCH(Edit, edit);
    QFETCH(QByteArray, raw);
    QFETCH(QString, error);
    QByteArray json = raw;
    if (edit) {
        QJsonObject o = DomainReportJson::toObject(m_reports[QStringLiteral("demo.test")]);
        edit(o);
        json = QJsonDocument(o).toJson();
    }
    const DomainReportReader::Result read = DomainReportReader::read(json);
    QVERIFY(!read.report);
    QCOMPARE(read.error, error);
}

void TestDomainHistory::reportFileTellsTheKindsApart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const DomainReport& domain = m_reports[QStringLiteral("demo.test")];
    const Run& run = domain.mx.first().runs.first().run;
    const auto write = [&](const QString& name, const QByteArray& bytes) {
        QFile f(dir.filePath(name));
        [&] { QVERIFY(f.open(QIODevice::WriteOnly)); }();
        f.write(bytes);
        return f.fileName();
    };
    const ReportFile d = ReportFile::readFile(write("d.json", DomainReportJson::toJson(domain)));
    QVERIFY2(d.ok(), qPrintable(d.error));
    QCOMPARE(d.kind, ReportFile::Kind::Domain);
    QCOMPARE(d.describe(), QStringLiteral("the domain report of demo.test"));
    const ReportFile r = ReportFile::readFile(write("r.json", ReportJson::toJson(run)));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.kind, ReportFile::Kind::Run);
    QCOMPARE(ReportJson::toObject(*r.run), ReportJson::toObject(run));
    const QString fifo = dir.filePath(QStringLiteral("fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const ReportFile f = ReportFile::readFile(fifo);
    QVERIFY(!f.ok());
    QCOMPARE(f.error, QStringLiteral("Cannot read %1: not a regular file.").arg(fifo));
    // DomainReportReader alone refuses a run report by saying what it is.
    const DomainReportReader::Result notDomain = DomainReportReader::read(ReportJson::toJson(run));
    QCOMPARE(notDomain.error, QStringLiteral("This is a run report of one server, not a domain report."));
}

void TestDomainHistory::historyKeepsDomainChecksBesideRuns()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RunHistory history(dir.path());
    const QString key = QStringLiteral("0b6f3c52-domain-profile");
    DomainReport older = m_reports[QStringLiteral("demo.test")];
    older.startedAt = QDateTime(QDate(2026, 12, 1), QTime(9, 0), Qt::UTC);
    DomainReport newer = m_reports[QStringLiteral("tlsa-mismatch.demo.test")];
    newer.startedAt = older.startedAt.addSecs(3600);
    Run run = older.mx.first().runs.first().run;
    run.startedAt = older.startedAt.addSecs(60);
    QString error;
    QVERIFY(!DomainHistory::record(history, key, older, &error).isEmpty());
    QVERIFY(!history.record(key, run, &error).isEmpty());
    const QString newest = DomainHistory::record(history, key, newer, &error);
    QVERIFY2(!newest.isEmpty(), qPrintable(error));
    // A broken file between them is named, not listed.
    QFile broken(history.folderOf(key) + QStringLiteral("/20261201T093000.000Z-00000001.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"schema_version\": 1, \"kind\": \"domain\", \"domain\": 7}");
    broken.close();

    QStringList problems;
    const QList<HistoryEntry> entries = DomainHistory::entries(history, key, &problems);
    QCOMPARE(problems,
             QStringList {QStringLiteral("Skipped the history entry %1: %1: Not a valid domain report: "
                                         "domain: expected a string")
                              .arg(broken.fileName())});
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries[0].path, newest);
    QVERIFY(entries[0].isDomain);
    QCOMPARE(entries[0].domain, QStringLiteral("tlsa-mismatch.demo.test"));
    QCOMPARE(entries[0].verdict, Verdict::Critical);
    QCOMPARE(entries[0].mxCount, 1);
    QCOMPARE(entries[0].startedAt, newer.startedAt);
    QVERIFY(!entries[1].isDomain);
    QCOMPARE(entries[1].host, run.target.host);
    QVERIFY(entries[2].isDomain);
    QCOMPARE(entries[2].domain, QStringLiteral("demo.test"));
    QCOMPARE(entries[2].verdict, Verdict::Ok);
    QCOMPARE(entries[2].tlsProtocol, QStringLiteral("TLSv1.3"));
    // Domain keys: one per domain whatever its spelling, never a path.
    QCOMPARE(DomainHistory::domainKey(QStringLiteral("Demo.Test.")),
             DomainHistory::domainKey(QStringLiteral("demo.test")));
    QVERIFY(DomainHistory::domainKey(QStringLiteral("../x")).startsWith(QLatin1String("domain-")));
    QVERIFY(DomainHistory::domainKey(QStringLiteral("a.test"))
            != DomainHistory::domainKey(QStringLiteral("b.test")));
}

void TestDomainHistory::compareOfTwoChecksOfTheDemoDomain()
{
    const DomainReport& before = m_reports[QStringLiteral("demo.test")];
    // The same check read back from its report: nothing changed.
    const DomainReportReader::Result same = DomainReportReader::read(DomainReportJson::toJson(before));
    QVERIFY(same.report);
    QVERIFY(DomainComparison::compare(before, *same.report).isUnchanged());

    const DomainReport after = check(QStringLiteral("demo.test"), true);
    const DomainComparison c = DomainComparison::compare(before, after);
    QVERIFY(!c.isUnchanged());
    QCOMPARE(c.changes, (QList<FieldChange> {{"verdict", "ok", "critical"}}));
    QVERIFY(c.mxSet.isEmpty());
    QCOMPARE(c.mx.size(), 1);
    QCOMPARE(c.mx[0].host, QStringLiteral("mx.demo.test"));
    QCOMPARE(c.mx[0].changes,
             (QList<FieldChange> {{"dane", "valid", "invalid"}, {"verdict", "ok", "critical"}}));
    QCOMPARE(c.findings.added, (QStringList {"certificate-host-mismatch (mx.demo.test)", "mail-unprotected",
                                             "tlsa-invalid (mx.demo.test)"}));
    QCOMPARE(c.findings.removed, QStringList());
    const QString text = c.toText(before, after);
    QVERIFY2(text.contains(QLatin1String("mx.demo.test DANE: valid -> invalid\n")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("Verdict: ok -> critical\n")), qPrintable(text));
    const QJsonObject json = c.toJson(before, after);
    QCOMPARE(json.value(QStringLiteral("unchanged")), QJsonValue(false));
    QCOMPARE(json.value(QStringLiteral("mx")).toArray().first().toObject().value(QStringLiteral("host")),
             QJsonValue(QStringLiteral("mx.demo.test")));
}

void TestDomainHistory::compareOfChangedRecords()
{
    DomainReport before = m_reports[QStringLiteral("demo.test")];
    before.mtaSts.record = MtaStsRecord {QStringLiteral("20261201")};
    MtaStsPolicy policy;
    policy.mode = MtaStsPolicy::Mode::Testing;
    policy.mx = {QStringLiteral("mx.demo.test")};
    policy.maxAge = 86400;
    before.mtaSts.policy = policy;
    DomainReport after = before;
    after.mtaSts.record = MtaStsRecord {QStringLiteral("20261202")};
    after.mtaSts.policy->mode = MtaStsPolicy::Mode::Enforce;
    after.tlsRpt = TlsRptInfo {};
    MxResult second = after.mx.first();
    second.host = QStringLiteral("mx2.demo.test");
    second.preference = 20;
    second.addressSecurity = DnsSecurity::Insecure;
    after.mx.append(second);
    after.mx.first().addressSecurity = DnsSecurity::Insecure;
    const DomainComparison c = DomainComparison::compare(before, after);
    QCOMPARE(c.changes,
             (QList<FieldChange> {{"mta_sts.id", "20261201", "20261202"},
                                  {"mta_sts.mode", "testing", "enforce"},
                                  {"tls_rpt.record", "v=TLSRPTv1; rua=mailto:tlsrpt@demo.test", ""},
                                  {"tls_rpt.dnssec", "secure", ""}}));
    QCOMPARE(c.mxSet.added, QStringList {QStringLiteral("20 mx2.demo.test")});
    QCOMPARE(c.mxSet.removed, QStringList());
    QCOMPARE(c.mx.size(), 1);
    QCOMPARE(c.mx[0].changes, (QList<FieldChange> {{"dnssec", "secure", "insecure"}}));
    QCOMPARE(c.findings.added, QStringList());
    // And back: the host removed, the record added.
    const DomainComparison back = DomainComparison::compare(after, before);
    QCOMPARE(back.mxSet.removed, QStringList {QStringLiteral("20 mx2.demo.test")});
    QCOMPARE(back.change(QStringLiteral("tls_rpt.record"))->after,
             QStringLiteral("v=TLSRPTv1; rua=mailto:tlsrpt@demo.test"));
}

QTEST_GUILESS_MAIN(TestDomainHistory)
#include "TestDomainHistory.moc"
