// The main window end to end against the built-in demo server, on the offscreen platform.
#include "CertificateChainModel.h"
#include "CertificatePanel.h"
#include "FindBar.h"
#include "findings/FindingCatalogue.h"
#include "FindingsModel.h"
#include "FindingsPanel.h"
#include "MainWindow.h"
#include "RunController.h"
#include "RunDeadlineControl.h"
#include "RunSummaryBar.h"
#include "ServerBar.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"
#include "TimelineModel.h"
#include "TimelineView.h"
#include "TlsPanel.h"
#include "TranscriptModel.h"
#include "TranscriptView.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

namespace {

constexpr int RunTimeoutMs = 20000;

void choose(MainWindow& window, const QString& scenario)
{
    ServerChoice choice;
    choice.demoScenario = scenario;
    window.serverBar()->setChoice(choice);
}

bool finished(const MainWindow& window)
{
    return window.controller()->hasRun() && !window.controller()->isRunning();
}

StepStatus statusOf(const MainWindow& window, StepId id)
{
    const int row = window.timelineModel()->rowForStep(id);
    return row < 0
               ? StepStatus::Pending
               : StepStatus(window.timelineModel()->index(row, 0).data(TimelineModel::StatusRole).toInt());
}

QString summaryOf(const MainWindow& window, StepId id)
{
    const int row = window.timelineModel()->rowForStep(id);
    return window.timelineModel()->index(row, TimelineModel::SummaryColumn).data().toString();
}

QStringList transcriptLines(const MainWindow& window)
{
    QStringList lines;
    const TranscriptModel* model = window.transcriptModel();
    for (int row = 0; row < model->rowCount(); ++row)
        lines.append(model->lineText(row));
    return lines;
}

} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("MailscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestMainWindow"));
        QSettings().clear();
    }

    void firstLaunchShowsDemoServerAndPlan()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.serverBar()->choice().kind, ServerChoice::Kind::Demo);
        QCOMPARE(window.serverBar()->choice().demoScenario, QStringLiteral("good"));
        QCOMPARE(window.timelineModel()->rowCount(), 8); // the STARTTLS plan, all pending
        QCOMPARE(window.timelineModel()->index(0, 0).data(TimelineModel::StatusRole).toInt(),
                 int(StepStatus::Pending));
        QVERIFY(window.runAction()->isEnabled());
        QVERIFY(!window.stopAction()->isEnabled());
        QVERIFY(!window.nextStepAction()->isEnabled());
        QVERIFY(window.summaryBar()->headline().contains(QLatin1String("demo server")));
    }

    void goodScenario()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        choose(window, QStringLiteral("good"));
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);

        const Run& run = window.controller()->run();
        QCOMPARE(run.verdict(), Verdict::Ok);
        // Timeline: every step ran and passed, with the meanings a reader expects.
        const TimelineModel* timeline = window.timelineModel();
        QCOMPARE(timeline->rowCount(), 8);
        for (int row = 0; row < timeline->rowCount(); ++row)
            QCOMPARE(timeline->index(row, 0).data(TimelineModel::StatusRole).toInt(), int(StepStatus::Ok));
        QVERIFY2(summaryOf(window, StepId::Greeting).contains(QLatin1String("STARTTLS")),
                 qPrintable(summaryOf(window, StepId::Greeting)));
        QVERIFY(summaryOf(window, StepId::TlsHandshake).contains(QLatin1String("TLSv1.3")));
        QVERIFY(!timeline->index(0, TimelineModel::DurationColumn).data().toString().isEmpty());

        // Transcript: client and server lines, the encryption boundary before the second EHLO.
        const QStringList lines = transcriptLines(window);
        QVERIFY(lines.contains(QStringLiteral("C: STARTTLS")));
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(),
                            [](const QString& l) { return l.startsWith(QLatin1String("S: 220")); }));
        const TranscriptModel* transcript = window.transcriptModel();
        const int boundary = transcript->boundaryRow();
        QVERIFY(boundary > 0);
        QVERIFY(transcript->lineText(boundary + 1).startsWith(QLatin1String("C: EHLO")));
        QVERIFY(transcript->index(boundary + 1, 0).data(TranscriptModel::TlsRole).toBool());
        QVERIFY(!transcript->index(boundary - 1, 0).data(TranscriptModel::TlsRole).toBool());
        QCOMPARE(window.transcriptView()->table()->columnSpan(boundary, 0),
                 int(TranscriptModel::ColumnCount));

        // TLS panel, certificate panel, findings.
        const QString tls = window.tlsPanel()->plainText();
        QVERIFY2(tls.contains(QLatin1String("TLSv1.3")), qPrintable(tls));
        QVERIFY(tls.contains(QLatin1String("TLS_AES_256_GCM_SHA384")));
        QVERIFY(tls.contains(QLatin1String("certificate trusted")));
        CertificatePanel* certs = window.certificatePanel();
        // Leaf and intermediate as the demo sends them.
        QCOMPARE(certs->model()->chainLength(), 2);
        certs->selectCertificate(0);
        const QString cert = certs->detailText();
        QVERIFY2(cert.contains(QLatin1String("matches localhost")), qPrintable(cert));
        QVERIFY(cert.contains(QLatin1String("SHA-256")));
        QVERIFY(cert.contains(QLatin1String("Days left")));
        QCOMPARE(window.findingsPanel()->model()->count(Severity::Critical), 0);
        QCOMPARE(window.findingsPanel()->model()->count(Severity::Warning), 0);
        QVERIFY(window.summaryBar()->headline().startsWith(QLatin1String("Secure")));

        // Selecting a step highlights exactly its lines.
        const int starttlsRow = timeline->rowForStep(StepId::StartTls);
        window.timelineView()->selectStepIndex(starttlsRow);
        const QString selected = window.transcriptView()->selectedText();
        QVERIFY2(selected.contains(QLatin1String("C: STARTTLS")), qPrintable(selected));
        QVERIFY(!selected.contains(QLatin1String("EHLO")));
        QVERIFY(window.runAction()->isEnabled());
        QVERIFY(!window.stopAction()->isEnabled());
    }

    void noStartTlsScenario()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        choose(window, QStringLiteral("no-starttls"));
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);

        QCOMPARE(window.controller()->run().verdict(), Verdict::Critical);
        QCOMPARE(statusOf(window, StepId::StartTls), StepStatus::Failed);
        QCOMPARE(statusOf(window, StepId::TlsHandshake), StepStatus::Skipped);
        QCOMPARE(statusOf(window, StepId::GreetingTls), StepStatus::Skipped);
        QVERIFY(summaryOf(window, StepId::Greeting).contains(QLatin1String("without STARTTLS")));
        QVERIFY(window.transcriptModel()->boundaryRow() < 0); // never encrypted
        QVERIFY(window.tlsPanel()->plainText().contains(QLatin1String("Not encrypted")));
        QCOMPARE(window.certificatePanel()->model()->chainLength(), 0);

        FindingsPanel* findings = window.findingsPanel();
        // The demo's no-starttls server also offers AUTH PLAIN in plaintext (as the engine tests
        // against the same scenario expect): two findings, the critical one first.
        QCOMPARE(findings->model()->rowCount(), 2);
        QCOMPARE(findings->model()->index(0).data(FindingsModel::IdRole).toString(),
                 QStringLiteral("starttls-not-offered"));
        QCOMPARE(findings->model()->index(1).data(FindingsModel::IdRole).toString(),
                 QStringLiteral("plaintext-auth-offered"));
        QCOMPARE(findings->model()->index(0).data(FindingsModel::SeverityRole).toInt(),
                 int(Severity::Critical));
        QVERIFY(window.summaryBar()->headline().startsWith(QLatin1String("Critical")));
        QVERIFY(findings->detailText().contains(QLatin1String("STARTTLS")));

        // Clicking the finding selects the step that caused it, which highlights its lines.
        window.timelineView()->selectStepIndex(0);
        findings->selectRow(1 % findings->model()->rowCount());
        findings->selectRow(0);
        QCOMPARE(window.timelineView()->currentIndex().row(),
                 window.timelineModel()->rowForStep(StepId::StartTls));
    }

    void demoServesImapAndPop3_data()
    {
        QTest::addColumn<Protocol>("protocol");
        QTest::addColumn<TlsMode>("tls");
        QTest::addColumn<QString>("firstCommand");
        QTest::newRow("imap starttls")
            << Protocol::Imap << TlsMode::StartTls << QStringLiteral("C: A1 CAPABILITY");
        QTest::newRow("imaps") << Protocol::Imap << TlsMode::Implicit << QStringLiteral("C: A1 CAPABILITY");
        QTest::newRow("pop3 stls") << Protocol::Pop3 << TlsMode::StartTls << QStringLiteral("C: CAPA");
        QTest::newRow("pop3s") << Protocol::Pop3 << TlsMode::Implicit << QStringLiteral("C: CAPA");
    }

    void demoServesImapAndPop3()
    {
        QFETCH(Protocol, protocol);
        QFETCH(TlsMode, tls);
        QFETCH(QString, firstCommand);
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ServerChoice choice;
        choice.protocol = protocol;
        choice.tls = tls;
        window.serverBar()->setChoice(choice);
        QCOMPARE(window.serverBar()->choice().protocol, protocol);
        QCOMPARE(window.serverBar()->choice().tls, tls);
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);

        const Run& run = window.controller()->run();
        QCOMPARE(run.target.protocol, protocol);
        QCOMPARE(run.target.tls, tls);
        QCOMPARE(run.verdict(), Verdict::Ok);
        QCOMPARE(statusOf(window, StepId::TlsHandshake), StepStatus::Ok);
        QVERIFY(transcriptLines(window).contains(firstCommand));
    }

    void wrongPortOffersTheCorrectedRun_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("finding");
        QTest::addColumn<QString>("button");
        QTest::addColumn<Protocol>("protocol");
        QTest::addColumn<TlsMode>("tls");
        // The demo's SMTP port (the service picked on first launch) in each "wrong port" scenario.
        QTest::newRow("expects implicit TLS")
            << QStringLiteral("expects-implicit-tls") << QStringLiteral("implicit-tls-expected")
            << QStringLiteral("Run again with implicit TLS") << Protocol::Smtp << TlsMode::Implicit;
        QTest::newRow("IMAP on the SMTP port")
            << QStringLiteral("swapped-protocols") << QStringLiteral("wrong-protocol")
            << QStringLiteral("Run again as IMAP") << Protocol::Imap << TlsMode::StartTls;
    }

    void wrongPortOffersTheCorrectedRun()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, finding);
        QFETCH(QString, button);
        QFETCH(Protocol, protocol);
        QFETCH(TlsMode, tls);
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        choose(window, scenario);
        QPushButton* rerun = window.summaryBar()->rerunButton();
        QVERIFY(!rerun->isVisible());
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);

        const Run& first = window.controller()->run();
        QStringList ids;
        for (const Finding& f : first.findings)
            ids.append(f.id);
        QCOMPARE(ids, QStringList {finding});
        const quint16 port = first.target.port;
        QCOMPARE(first.target.protocol, Protocol::Smtp);
        QCOMPARE(first.target.tls, TlsMode::StartTls);
        QVERIFY(rerun->isVisible());
        QCOMPARE(rerun->text(), button);

        // One click: the same port, the corrected settings, a good run.
        QTest::mouseClick(rerun, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, RunTimeoutMs);
        const Run& again = window.controller()->run();
        QCOMPARE(again.target.port, port);
        QCOMPARE(again.target.protocol, protocol);
        QCOMPARE(again.target.tls, tls);
        QVERIFY(again.findings.isEmpty());
        QCOMPARE(again.verdict(), Verdict::Ok);
        QVERIFY(!rerun->isVisible());
        QVERIFY(window.summaryBar()->headline().startsWith(QLatin1String("Secure")));
    }

    void stepModePausesAndResumesWithNext()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        choose(window, QStringLiteral("good"));
        window.stepModeAction()->setChecked(true);
        QSignalSpy paused(window.controller(), &RunController::paused);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, RunTimeoutMs);
        RunController* c = window.controller();
        QVERIFY(c->isPaused());
        QCOMPARE(c->run().steps.size(), 1); // resolve ran, connect waits
        QCOMPARE(c->pausedBefore(), std::optional<StepId>(StepId::Connect));
        QVERIFY(window.timelineModel()->index(1, 0).data(TimelineModel::PausedBeforeRole).toBool());
        QVERIFY(window.nextStepAction()->isEnabled());
        QVERIFY(window.summaryBar()->headline().contains(QLatin1String("Paused")));

        window.nextStepAction()->trigger(); // F10
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 2, RunTimeoutMs);
        QCOMPARE(c->run().steps.size(), 2);
        QCOMPARE(statusOf(window, StepId::Connect), StepStatus::Ok);
        QCOMPARE(c->pausedBefore(), std::optional<StepId>(StepId::Banner));

        // Keep stepping until the end: each Next runs exactly one step.
        int guard = 0;
        while (!finished(window) && guard++ < 20) {
            const qsizetype before = c->run().steps.size();
            window.nextStepAction()->trigger();
            QTRY_VERIFY_WITH_TIMEOUT(
                finished(window) || (c->isPaused() && c->run().steps.size() == before + 1), RunTimeoutMs);
        }
        QVERIFY(finished(window));
        QCOMPARE(c->run().verdict(), Verdict::Ok);
        QVERIFY(!window.nextStepAction()->isEnabled());
    }

    void escapeStopsAPausedRun()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        choose(window, QStringLiteral("good"));
        window.stepModeAction()->setChecked(true);
        QSignalSpy paused(window.controller(), &RunController::paused);
        QSignalSpy done(window.controller(), &RunController::finished);
        QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier); // Ctrl+R runs
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, RunTimeoutMs);
        QTest::keyClick(&window, Qt::Key_F10); // F10 = next step
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 2, RunTimeoutMs);
        QTest::keyClick(&window, Qt::Key_Escape); // Esc stops
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);
        const Run& run = window.controller()->run();
        QVERIFY(run.aborted);
        QCOMPARE(run.verdict(), Verdict::Unknown);
        QCOMPARE(statusOf(window, StepId::Quit), StepStatus::Skipped);
        QVERIFY(window.summaryBar()->headline().contains(QLatin1String("Stopped")));
        QVERIFY(window.runAction()->isEnabled());
    }

    void findInTranscript()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        choose(window, QStringLiteral("good"));
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        FindBar* bar = window.transcriptView()->findBar();
        QTRY_VERIFY(bar->isVisible());
        QTest::keyClicks(bar->lineEdit(), QStringLiteral("221"));
        const QModelIndex current = window.transcriptView()->table()->currentIndex();
        QVERIFY(window.transcriptModel()->lineText(current.row()).contains(QLatin1String("221")));
        QTest::keyClick(bar->lineEdit(), Qt::Key_Escape); // closes the bar, does not stop anything
        QVERIFY(!bar->isVisible());
    }

    void keyboardAndAccessibility()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.runAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
        QCOMPARE(window.stopAction()->shortcut(), QKeySequence(Qt::Key_Escape));
        QVERIFY(window.nextStepAction()->shortcuts().contains(QKeySequence(Qt::Key_F10)));
        QVERIFY(window.nextStepAction()->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_N)));
        // Every interactive control has a name a screen reader can announce.
        const auto widgets = window.findChildren<QWidget*>();
        for (QWidget* w : widgets) {
            const bool interactive = qobject_cast<QComboBox*>(w) || qobject_cast<QLineEdit*>(w)
                                     || qobject_cast<QAbstractItemView*>(w) || qobject_cast<QToolButton*>(w);
            if (!interactive || !w->isVisibleTo(&window) || w->inherits("QComboBoxListView")
                || w->inherits("QHeaderView") || w->inherits("QToolBarExtension")
                || w->parentWidget()->inherits("QTabBar") || w->parentWidget()->inherits("QScrollBar")
                || w->objectName() == QLatin1String("qt_spinbox_lineedit"))
                continue;
            if (auto* edit = qobject_cast<QLineEdit*>(w); edit && qobject_cast<QComboBox*>(w->parentWidget()))
                continue;
            QVERIFY2(
                !w->accessibleName().isEmpty(),
                qPrintable(QStringLiteral("%1 (%2) has no accessible name")
                               .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName())));
        }
    }

    void geometryAndSplittersAreRemembered()
    {
        QSettings().clear();
        QList<int> saved;
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* splitter = window.findChild<QSplitter*>(QStringLiteral("bottomSplitter"));
            QVERIFY(splitter);
            splitter->setSizes({300, 700});
            saved = splitter->sizes();
            window.stepModeAction()->setChecked(true);
            window.auditTlsAction()->setChecked(true);
            window.close();
        }
        QVERIFY(QSettings().contains(QStringLiteral("MainWindow/geometry")));
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.findChild<QSplitter*>(QStringLiteral("bottomSplitter"))->sizes(), saved);
        QVERIFY(again.stepModeAction()->isChecked());
        QVERIFY(again.auditTlsAction()->isChecked());
        QVERIFY(again.controller()->auditTls()); // the restored toggle reached the controller
        QSettings().clear();
    }

    void deadlineEndsATarpitRun()
    {
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            // The default, until the user changes it: the same as the CLI's.
            QCOMPARE(window.deadlineControl()->spinBox()->value(), 120);
            QCOMPARE(window.controller()->deadlineMs(), 120000);
            choose(window, QStringLiteral("tarpit")); // every reply after 3 s, the greeting too
            window.auditTlsAction()->setChecked(true);
            window.deadlineControl()->spinBox()->setValue(1);
            QCOMPARE(window.controller()->deadlineMs(), 1000);
            QSignalSpy done(window.controller(), &RunController::finished);
            QSignalSpy progress(window.controller(), &RunController::auditProgress);
            window.runAction()->trigger();
            QVERIFY(!window.deadlineControl()->isEnabled()); // not changed under a running run
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);

            const Run& run = window.controller()->run();
            QCOMPARE(statusOf(window, StepId::Banner), StepStatus::Failed);
            QCOMPARE(summaryOf(window, StepId::Banner), QStringLiteral("Run deadline of 1 s reached"));
            QCOMPARE(statusOf(window, StepId::Quit), StepStatus::Skipped);
            QStringList ids;
            for (const Finding& f : run.findings)
                ids.append(f.id);
            QCOMPARE(ids, QStringList {FindingIds::RunDeadlineReached});
            QCOMPARE(run.verdict(), Verdict::Unknown);
            QVERIFY(run.tlsAudit.has_value());
            QVERIFY(!run.tlsAudit->unfinished.isEmpty());
            QVERIFY(!progress.isEmpty()); // the TLS pane showed the audit's probes
            QVERIFY(window.deadlineControl()->isEnabled());
            window.auditTlsAction()->setChecked(false);
        }
        // Remembered for the next launch.
        MainWindow again;
        QCOMPARE(again.deadlineControl()->spinBox()->value(), 1);
        QCOMPARE(again.controller()->deadlineMs(), 1000);
        QSettings().clear();
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
