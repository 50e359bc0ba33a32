// Models and small widgets over hand-made Runs: no sockets, no demo server.
#include "CapabilitiesModel.h"
#include "CertificateChainModel.h"
#include "CertificatePanel.h"
#include "FindingsModel.h"
#include "ServerBar.h"
#include "TimelineModel.h"
#include "tls/CertificateInspector.h"
#include "TranscriptModel.h"
#include "UiStyle.h"

#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>

namespace {

const QList<StepId> StartTlsPlan {StepId::Resolve,     StepId::Connect,  StepId::Banner,
                                  StepId::Greeting,    StepId::StartTls, StepId::TlsHandshake,
                                  StepId::GreetingTls, StepId::Quit};

void addLine(Run& run, char dir, const QString& text, bool tls = false, int step = 0, bool discarded = false)
{
    TranscriptEntry e;
    e.tMs = run.transcript.size();
    e.dir = dir;
    e.tls = tls;
    e.stepIndex = step;
    e.text = text;
    e.discarded = discarded;
    run.transcript.append(e);
}

Finding finding(const QString& id, Severity severity)
{
    Finding f;
    f.id = id;
    f.severity = severity;
    f.title = id;
    return f;
}

} // namespace

class TestModels final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { UiStyle::initResources(); }

    void timelineShowsPlanAsPending()
    {
        Run run;
        TimelineModel model;
        model.setRun(&run, StartTlsPlan);
        QCOMPARE(model.rowCount(), 8);
        for (int row = 0; row < 8; ++row) {
            QCOMPARE(model.index(row, 0).data(TimelineModel::StatusRole).toInt(), int(StepStatus::Pending));
            QCOMPARE(model.index(row, 0).data(TimelineModel::StepIndexRole).toInt(), -1);
        }
        QCOMPARE(model.index(4, TimelineModel::StepColumn).data().toString(), QStringLiteral("STARTTLS"));
        QCOMPARE(model.index(4, TimelineModel::SummaryColumn).data().toString(),
                 UiStyle::stepPlan(StepId::StartTls, Protocol::Smtp));
        QVERIFY(!model.index(0, 0).data(Qt::DecorationRole).value<QIcon>().isNull());
    }

    void timelineFollowsStepSignals()
    {
        Run run;
        TimelineModel model;
        model.setRun(&run, StartTlsPlan);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        run.steps.append(StepRecord {StepId::Resolve, StepStatus::Running, 0, 0, {}});
        model.onStepStarted(0);
        QCOMPARE(model.index(0, 0).data(TimelineModel::StatusRole).toInt(), int(StepStatus::Running));
        QVERIFY(model.index(0, 0).data(Qt::FontRole).value<QFont>().bold());
        run.steps[0].status = StepStatus::Ok;
        run.steps[0].durationMs = 12;
        run.steps[0].summary = QStringLiteral("Resolved to 127.0.0.1");
        model.onStepFinished(0);
        QCOMPARE(model.index(0, TimelineModel::SummaryColumn).data().toString(),
                 QStringLiteral("Resolved to 127.0.0.1"));
        QCOMPARE(model.index(0, TimelineModel::DurationColumn).data().toString(), QStringLiteral("12 ms"));
        QCOMPARE(changed.count(), 2); // once when the step started, once when it finished
        model.onPaused(StepId::Connect);
        QVERIFY(model.index(1, 0).data(TimelineModel::PausedBeforeRole).toBool());
        QCOMPARE(model.rowForStep(StepId::Resolve), 0);
        QCOMPARE(model.rowForStep(StepId::Quit), -1);
    }

    void transcriptBatchesInserts()
    {
        Run run;
        TranscriptModel model;
        model.setRun(&run);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        for (int i = 0; i < 1000; ++i) {
            addLine(run, 'S', QStringLiteral("250-LINE %1").arg(i));
            model.onTranscriptAppended(i);
        }
        QCOMPARE(model.rowCount(), 0); // nothing until the batch timer fires
        QTRY_COMPARE(model.rowCount(), 1000);
        QCOMPARE(inserted.count(), 1);
    }

    void transcriptMarksEncryptionBoundaryAndDiscardedLines()
    {
        Run run;
        addLine(run, 'C', QStringLiteral("STARTTLS"), false, 4);
        addLine(run, 'S', QStringLiteral("220 Go ahead"), false, 4);
        addLine(run, 'S', QStringLiteral("250 INJECTED"), false, 4, true);
        addLine(run, 'I', QStringLiteral("TLS established"), false, 5);
        addLine(run, 'C', QStringLiteral("EHLO mailscope.invalid"), true, 6);
        addLine(run, 'S', QStringLiteral("250 OK"), true, 6);
        run.tls = TlsFacts {
            QStringLiteral("TLSv1.3"), QStringLiteral("TLS_AES_256_GCM_SHA384"), {}, {}, true, {}, {}, false};
        TranscriptModel model;
        model.setRun(&run);
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.boundaryRow(), 4);
        QVERIFY(model.index(4, 0).data(TranscriptModel::BoundaryRole).toBool());
        QVERIFY(
            model.index(4, TranscriptModel::TextColumn).data().toString().contains(QLatin1String("TLSv1.3")));
        QCOMPARE(model.entryForRow(5), 4);
        QCOMPARE(model.rowForEntry(4), 5);
        QCOMPARE(model.lineText(0), QStringLiteral("C: STARTTLS"));
        QCOMPARE(model.lineText(5), QStringLiteral("C: EHLO mailscope.invalid"));
        QVERIFY(model.index(2, 0).data(TranscriptModel::DiscardedRole).toBool());
        QVERIFY(model.lineText(2).startsWith(QLatin1String("S!")));
        QVERIFY(model.index(5, 0).data(TranscriptModel::TlsRole).toBool());
        QVERIFY(!model.index(1, 0).data(TranscriptModel::TlsRole).toBool());
        QCOMPARE(model.rowsForStep(6), (QList<int> {5, 6}));
        QCOMPARE(model.find(QStringLiteral("ehlo"), 0, true), 5);
        QCOMPARE(model.find(QStringLiteral("STARTTLS"), 6, true), 0); // wraps
        QCOMPARE(model.find(QStringLiteral("nothing"), 0, true), -1);
    }

    void serverTextIsShownEscaped()
    {
        // A server line with an embedded CRLF, a bare CR, ESC and a bidi override: one visible
        // row, escapes shown, nothing reordered; the same text in a step summary, a finding, a
        // capability and a certificate subject (expected strings written out by hand).
        const QString hostile =
            QStringLiteral("220 ok\r\n250 forged\rX\x1b[2J") + QChar(0x202e) + QStringLiteral("gpj.exe");
        const QString shown = QStringLiteral("220 ok\\r\\n250 forged\\rX\\x1b[2J\\u202egpj.exe");
        Run run;
        addLine(run, 'S', hostile, false, 2);
        run.steps.append({StepId::Banner, StepStatus::Ok, 0, 1, hostile});
        run.capabilitiesPlain = {hostile};
        Finding f = finding(QStringLiteral("x"), Severity::Warning);
        f.title = f.detail = hostile;
        run.findings = {f};
        CertificateInfo cert;
        cert.subject = hostile;
        run.certificates = {cert};

        TranscriptModel transcript;
        transcript.setRun(&run);
        QCOMPARE(transcript.index(0, TranscriptModel::TextColumn).data().toString(), shown);
        QCOMPARE(transcript.lineText(0), QStringLiteral("S: ") + shown);
        TimelineModel timeline;
        timeline.setRun(&run, {StepId::Banner});
        QCOMPARE(timeline.index(0, TimelineModel::SummaryColumn).data().toString(), shown);
        FindingsModel findings;
        findings.setRun(&run);
        QCOMPARE(findings.index(0).data().toString(), shown);
        QCOMPARE(findings.index(0).data(Qt::ToolTipRole).toString(), shown);
        CertificateChainModel chain;
        chain.setRun(&run);
        QCOMPARE(chain.index(0, 0).data(Qt::ToolTipRole).toString(), shown);
    }

    void findingsMostSevereFirst()
    {
        Run run;
        run.findings = {finding(QStringLiteral("a-info"), Severity::Info),
                        finding(QStringLiteral("b-warn"), Severity::Warning),
                        finding(QStringLiteral("c-crit"), Severity::Critical)};
        run.findings[2].step = StepId::StartTls;
        FindingsModel model;
        model.setRun(&run);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0).data(FindingsModel::IdRole).toString(), QStringLiteral("c-crit"));
        QCOMPARE(model.index(1).data(FindingsModel::IdRole).toString(), QStringLiteral("b-warn"));
        QCOMPARE(model.index(2).data(FindingsModel::IdRole).toString(), QStringLiteral("a-info"));
        QCOMPARE(model.index(0).data(FindingsModel::StepIdRole).toInt(), int(StepId::StartTls));
        QCOMPARE(model.count(Severity::Warning), 1);
        run.findings.append(finding(QStringLiteral("d-crit"), Severity::Critical));
        model.onFindingAdded(3);
        QCOMPARE(model.index(1).data(FindingsModel::IdRole).toString(), QStringLiteral("d-crit"));
    }

    void certificateChainIsATree()
    {
        Run run;
        for (const char* cn : {"mail.example.org", "Example Intermediate", "Example Root"}) {
            CertificateInfo c;
            c.commonName = QString::fromLatin1(cn);
            run.certificates.append(c);
        }
        run.certificates[2].selfSigned = true;
        run.certificates[0].errors = {QStringLiteral("The host name did not match")};
        CertificateChainModel model;
        model.setRun(&run);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex leaf = model.index(0, 0);
        QVERIFY(leaf.data().toString().startsWith(QLatin1String("mail.example.org")));
        QVERIFY(leaf.data(CertificateChainModel::HasErrorsRole).toBool());
        const QModelIndex intermediate = model.index(0, 0, leaf);
        QVERIFY(intermediate.data().toString().contains(QLatin1String("intermediate")));
        const QModelIndex root = model.index(0, 0, intermediate);
        QVERIFY(root.data().toString().contains(QLatin1String("root")));
        QCOMPARE(model.rowCount(root), 0);
        QCOMPARE(model.parent(root), intermediate);
        QCOMPARE(model.parent(leaf), QModelIndex());
    }

    void certificateNameMatching_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("match");
        QTest::newRow("exact") << "mail.example.org"
                               << "mail.example.org" << true;
        QTest::newRow("case") << "Mail.Example.org"
                              << "mail.example.ORG" << true;
        QTest::newRow("wildcard") << "*.example.org"
                                  << "mail.example.org" << true;
        QTest::newRow("wildcard-one-label") << "*.example.org"
                                            << "a.b.example.org" << false;
        QTest::newRow("wildcard-apex") << "*.example.org"
                                       << "example.org" << false;
        QTest::newRow("wildcard-tld") << "*.org"
                                      << "example.org" << false;
        QTest::newRow("other") << "smtp.example.org"
                               << "mail.example.org" << false;
    }

    void certificateNameMatching()
    {
        QFETCH(QString, name);
        QFETCH(QString, host);
        QFETCH(bool, match);
        QCOMPARE(CertificateInspector::nameMatchesHost(name, host), match);
    }

    void capabilitiesSideBySide()
    {
        Run run;
        run.capabilitiesPlain = {QStringLiteral("PIPELINING"), QStringLiteral("STARTTLS"),
                                 QStringLiteral("SIZE 100")};
        run.capabilitiesTls = {QStringLiteral("PIPELINING"), QStringLiteral("SIZE 200"),
                               QStringLiteral("AUTH PLAIN")};
        CapabilitiesModel model;
        model.setRun(&run);
        QCOMPARE(model.rowCount(), 4);
        const auto change = [&](int row) {
            return CapabilitiesModel::Change(model.index(row, 0).data(CapabilitiesModel::ChangeRole).toInt());
        };
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("PIPELINING"));
        QCOMPARE(change(0), CapabilitiesModel::Change::Same);
        QCOMPARE(change(1), CapabilitiesModel::Change::OnlyPlain);
        QCOMPARE(change(2), CapabilitiesModel::Change::Changed);
        QCOMPARE(change(3), CapabilitiesModel::Change::OnlyTls);
        QCOMPARE(model.index(3, CapabilitiesModel::TlsColumn).data().toString(), QStringLiteral("PLAIN"));
        QCOMPARE(model.differenceCount(), 3);
    }

    void serverBarParsesHostAndPort_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("host") << "mail.example.org" << true << "mail.example.org" << 0;
        QTest::newRow("host:port") << "mail.example.org:587" << true << "mail.example.org" << 587;
        QTest::newRow("v6") << "[2001:db8::1]:465" << true << "2001:db8::1" << 465;
        QTest::newRow("bad-port") << "mail.example.org:99999" << false << "" << 0;
        QTest::newRow("empty") << "  " << false << "" << 0;
        QTest::newRow("empty port") << "mail.example.org:" << false << "" << 0;
        QTest::newRow("space in name") << "mail example.org" << false << "" << 0;
        QTest::newRow("port 0") << "mail.example.org:0" << false << "" << 0;
        QTest::newRow("bare v6") << "::1" << true << "::1" << 0;
        QTest::newRow("trimmed") << " mail.example.org:25 " << true << "mail.example.org" << 25;
    }

    void serverBarParsesHostAndPort()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, host);
        QFETCH(int, port);
        QString h;
        quint16 p = 0;
        QCOMPARE(ServerBar::parseHostPort(text, &h, &p), ok);
        if (ok) {
            QCOMPARE(h, host);
            QCOMPARE(int(p), port);
        }
    }

    void serverBarDefaultsFromPort()
    {
        ServerBar bar;
        QCOMPARE(bar.choice().kind, ServerChoice::Kind::Demo); // first launch: the demo server
        ServerChoice quick;
        quick.kind = ServerChoice::Kind::Host;
        quick.host = QStringLiteral("x");
        bar.setChoice(quick);
        auto* host = bar.findChild<QLineEdit*>(QStringLiteral("hostEdit"));
        QVERIFY(host);
        // setChoice marks the pickers as chosen; a fresh bar lets the port decide.
        ServerBar fresh;
        auto* list = fresh.findChild<QListWidget*>(QStringLiteral("serverList"));
        QVERIFY(list);
        fresh.setChoice(ServerChoice {}); // demo
        // Quick connect's page is made when it is first chosen, as a user does.
        QVERIFY(!fresh.findChild<QLineEdit*>(QStringLiteral("hostEdit")));
        list->setCurrentRow(1);
        QCOMPARE(fresh.choice().kind, ServerChoice::Kind::Host);
        auto* freshHost = fresh.findChild<QLineEdit*>(QStringLiteral("hostEdit"));
        QTest::keyClicks(freshHost, QStringLiteral("imap.example.org:993"));
        auto* protocol = fresh.findChild<QComboBox*>(QStringLiteral("protocolCombo"));
        auto* tls = fresh.findChild<QComboBox*>(QStringLiteral("tlsCombo"));
        QCOMPARE(Protocol(protocol->currentData().toInt()), Protocol::Imap);
        QCOMPARE(TlsMode(tls->currentData().toInt()), TlsMode::Implicit);
        freshHost->clear();
        QTest::keyClicks(freshHost, QStringLiteral("mail.example.org:587"));
        QCOMPARE(Protocol(protocol->currentData().toInt()), Protocol::Smtp);
        QCOMPARE(TlsMode(tls->currentData().toInt()), TlsMode::StartTls);
    }
};

QTEST_MAIN(TestModels)
#include "TestModels.moc"
