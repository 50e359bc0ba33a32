// History, compare and the all-ports view in the window, on the offscreen platform: runs of the
// demo server are kept and listed, two are compared side by side, one is reopened read-only in the
// window's panes; the all-ports view against the demo (from the window) and against the real test
// Postfix and Dovecot (tests/integration/servers, fixture real-servers).

#include "AllPortsView.h"
#include "check/AllPortsCheck.h"
#include "CompareDialog.h"
#include "demo/DemoServer.h"
#include "HistoryFeature.h"
#include "HistoryPanel.h"
#include "MainWindow.h"
#include "profiles/RunHistory.h"
#include "RealServers.h"
#include "RunController.h"
#include "ServerBar.h"
#include "TestPrinters.h"
#include "TimelineModel.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

namespace {

constexpr int RunTimeoutMs = 30000;

void choose(MainWindow& window, const QString& scenario)
{
    ServerChoice choice;
    choice.demoScenario = scenario;
    window.serverBar()->setChoice(choice);
}

bool runScenario(MainWindow& window, const QString& scenario)
{
    choose(window, scenario);
    QSignalSpy done(window.controller(), &RunController::finished);
    window.runAction()->trigger();
    [&] { QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs); }();
    return done.count() == 1;
}

QStringList findingIdsOf(const Run& run)
{
    QStringList ids;
    for (const Finding& f : run.findings)
        ids.append(f.id);
    ids.sort();
    return ids;
}

} // namespace

class TestHistoryGui : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void runsAreKeptComparedAndReopened();
    void corruptEntryIsListedAsAProblem();
    void allPortsOnTheDemoFromTheWindow();
    void allPortsAgainstPostfixAndDovecot();

private:
    QTemporaryDir m_data;
};

void TestHistoryGui::initTestCase()
{
    QVERIFY(m_data.isValid());
    // The history goes to GenericDataLocation: a throwaway one for this test.
    qputenv("XDG_DATA_HOME", m_data.path().toUtf8());
    QSettings().clear();
}

void TestHistoryGui::runsAreKeptComparedAndReopened()
{
    MainWindow window;
    window.show();
    auto* feature = window.findChild<HistoryFeature*>();
    QVERIFY(feature);
    QVERIFY(!feature->dock()->isVisible()); // out of the way until asked for
    feature->historyAction()->trigger();
    QVERIFY(feature->dock()->isVisible());
    HistoryPanel* panel = feature->panel();
    QCOMPARE(panel->list()->topLevelItemCount(), 0);

    QVERIFY(runScenario(window, QStringLiteral("good")));
    QVERIFY(runScenario(window, QStringLiteral("expired-cert")));
    QCOMPARE(panel->list()->topLevelItemCount(), 2);
    // Newest first: time, verdict, TLS version, server.
    QCOMPARE(panel->list()->topLevelItem(0)->text(1), QStringLiteral("Critical"));
    QCOMPARE(panel->list()->topLevelItem(1)->text(1), QStringLiteral("OK"));
    QCOMPARE(panel->list()->topLevelItem(1)->text(2), QStringLiteral("TLSv1.3"));
    QVERIFY(panel->list()->topLevelItem(1)->text(3).startsWith(QStringLiteral("localhost:")));

    auto* compare = panel->findChild<QPushButton*>(QStringLiteral("historyCompareButton"));
    auto* open = panel->findChild<QPushButton*>(QStringLiteral("historyOpenButton"));
    QVERIFY(compare && open);
    QVERIFY(!compare->isEnabled());
    panel->list()->selectAll();
    QVERIFY(compare->isEnabled());
    QVERIFY(!open->isEnabled());
    QTest::mouseClick(compare, Qt::LeftButton);
    QTRY_VERIFY(feature->compareDialog() && feature->compareDialog()->isVisible());
    CompareDialog* dialog = feature->compareDialog();
    // Before = the good run, after = the expired certificate.
    QCOMPARE(dialog->comparison().findings.added, QStringList {QStringLiteral("cert-expired")});
    QCOMPARE(dialog->comparison().findings.removed, QStringList());
    const QStringList rows = dialog->rowTexts();
    QVERIFY2(rows.contains(QStringLiteral("● Verdict | ok | critical")),
             qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY2(rows.contains(QStringLiteral("● Certificate verified | yes | no")),
             qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY2(rows.contains(QStringLiteral("● added | — | cert-expired")),
             qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY2(rows.contains(QStringLiteral("TLS version | TLSv1.3 | TLSv1.3")),
             qPrintable(rows.join(QLatin1Char('\n'))));
    // The greeting after TLS ran in the good run only.
    const auto greetingTls = std::find_if(rows.cbegin(), rows.cend(), [](const QString& r) {
        return r.startsWith(QStringLiteral("● ")) && r.contains(QStringLiteral("| Skipped"));
    });
    QVERIFY2(greetingTls != rows.cend(), qPrintable(rows.join(QLatin1Char('\n'))));
    dialog->close();

    // Reopen the older (good) run: the window's panes show it, read-only.
    panel->list()->clearSelection();
    panel->list()->topLevelItem(1)->setSelected(true);
    QVERIFY(open->isEnabled());
    QSignalSpy finished(window.controller(), &RunController::finished);
    QTest::mouseClick(open, Qt::LeftButton);
    QCOMPARE(finished.count(), 1);
    QVERIFY(window.controller()->isShowingSavedRun());
    QCOMPARE(window.controller()->run().verdict(), Verdict::Ok);
    QCOMPARE(findingIdsOf(window.controller()->run()), QStringList());
    QCOMPARE(window.timelineModel()->rowCount(), window.controller()->run().steps.size());
    // Showing a saved run records nothing new.
    QCOMPARE(panel->list()->topLevelItemCount(), 2);

    // Export: the report's bytes, byte for byte.
    QTemporaryDir out;
    const QString target = out.filePath(QStringLiteral("exported.json"));
    QCOMPARE(HistoryPanel::exportReport(panel->selectedPaths().first(), target), QString());
    QFile a(panel->selectedPaths().first());
    QFile b(target);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QCOMPARE(b.readAll(), a.readAll());

    // A new run replaces the saved one and is kept.
    QVERIFY(runScenario(window, QStringLiteral("good")));
    QVERIFY(!window.controller()->isShowingSavedRun());
    QCOMPARE(panel->list()->topLevelItemCount(), 3);
}

void TestHistoryGui::corruptEntryIsListedAsAProblem()
{
    QTemporaryDir dir;
    HistoryPanel panel(dir.path());
    const QString folder = RunHistory(dir.path()).folderOf(QStringLiteral("k"));
    QVERIFY(QDir().mkpath(folder));
    QFile broken(folder + QStringLiteral("/20261201T000000.000Z-1.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"schema_version\": 1, \"target\": {");
    broken.close();
    panel.setKey(QStringLiteral("k"), QStringLiteral("a server"));
    panel.show();
    QCOMPARE(panel.list()->topLevelItemCount(), 0);
    auto* problems = panel.findChild<QLabel*>(QStringLiteral("historyProblems"));
    QVERIFY(problems && problems->isVisible());
    QVERIFY2(problems->text().startsWith(QStringLiteral("Skipped the history entry ") + broken.fileName()
                                         + QStringLiteral(": ")),
             qPrintable(problems->text()));
    // The file is left as it was.
    QVERIFY(broken.open(QIODevice::ReadOnly));
    QCOMPARE(broken.readAll(), QByteArray("{\"schema_version\": 1, \"target\": {"));
}

void TestHistoryGui::allPortsOnTheDemoFromTheWindow()
{
    MainWindow window;
    window.show();
    choose(window, QStringLiteral("good"));
    auto* feature = window.findChild<HistoryFeature*>();
    feature->allPortsAction()->trigger();
    AllPortsView* view = feature->allPortsView();
    QVERIFY(view && view->isVisible());
    QVERIFY(QTest::qWaitForWindowExposed(view));
    QSignalSpy done(view, &AllPortsView::finished);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);
    const QMap<quint16, quint16> map = window.controller()->demoServer()->allPortsMap();
    const auto on = [&map](quint16 port) { return QString::number(map.value(port)); };
    const QStringList expected {
        QStringLiteral("25 (on %1) | SMTP (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | no | OK")
            .arg(on(25)),
        QStringLiteral("465 (on %1) | SMTP (implicit TLS) | yes | implicit TLS | TLSv1.3 | trusted | no | OK")
            .arg(on(465)),
        QStringLiteral("587 (on %1) | SMTP (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | no | OK")
            .arg(on(587)),
        QStringLiteral("2525 (on %1) | SMTP (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | no | OK")
            .arg(on(2525)),
        QStringLiteral("143 (on %1) | IMAP (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | no | OK")
            .arg(on(143)),
        QStringLiteral("993 (on %1) | IMAP (implicit TLS) | yes | implicit TLS | TLSv1.3 | trusted | no | OK")
            .arg(on(993)),
        QStringLiteral("110 (on %1) | POP3 (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | no | OK")
            .arg(on(110)),
        QStringLiteral("995 (on %1) | POP3 (implicit TLS) | yes | implicit TLS | TLSv1.3 | trusted | no | OK")
            .arg(on(995)),
    };
    QCOMPARE(view->rowTexts(), expected);

    // Clicking a row opens that run in the window.
    QSignalSpy shown(window.controller(), &RunController::finished);
    const QRect cell = view->table()->visualItemRect(view->table()->item(5, 0));
    QTest::mouseClick(view->table()->viewport(), Qt::LeftButton, {}, cell.center());
    QTRY_COMPARE(shown.count(), 1);
    QVERIFY(window.controller()->isShowingSavedRun());
    QCOMPARE(window.controller()->run().target.protocol, Protocol::Imap);
    QCOMPARE(window.controller()->run().target.tls, TlsMode::Implicit);
    QCOMPARE(window.controller()->run().target.port, map.value(993));
}

void TestHistoryGui::allPortsAgainstPostfixAndDovecot()
{
    RealServers servers;
    QString error;
    QVERIFY2(servers.load(&error), qPrintable(error));
    ProbeOptions base;
    base.host = QStringLiteral("localhost"); // the leaf certificate names localhost
    base.extraCaCertificates = servers.certificates(QStringLiteral("CA_FILE"));
    const auto port = [&servers](const char* key) { return servers.port(QString::fromLatin1(key)); };
    const QMap<quint16, quint16> map {{25, port("SMTP_PORT")},        {465, port("SMTPS_PORT")},
                                      {587, port("SUBMISSION_PORT")}, {2525, port("SMTP_TLS12_PORT")},
                                      {143, port("IMAP_PORT")},       {993, port("IMAPS_PORT")},
                                      {110, port("POP3_PORT")},       {995, port("POP3S_PORT")}};
    AllPortsView view;
    view.show();
    QSignalSpy done(&view, &AllPortsView::finished);
    view.start(base, map);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);
    const auto on = [&map](quint16 p) { return QString::number(map.value(p)); };
    // Postfix: no SASL on 25, AUTH only under TLS on submission, a TLS-1.2-only listener as 2525.
    // Dovecot offers a plaintext login to 127.0.0.1 before STARTTLS (QT-NOTES): a warning.
    const QStringList expected {
        QStringLiteral("25 (on %1) | SMTP (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | no | OK")
            .arg(on(25)),
        QStringLiteral("465 (on %1) | SMTP (implicit TLS) | yes | implicit TLS | TLSv1.3 | trusted | no | OK")
            .arg(on(465)),
        QStringLiteral("587 (on %1) | SMTP (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | no | OK")
            .arg(on(587)),
        QStringLiteral("2525 (on %1) | SMTP (STARTTLS) | yes | STARTTLS | TLSv1.2 | trusted | no | OK")
            .arg(on(2525)),
        QStringLiteral("143 (on %1) | IMAP (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | yes | Warning")
            .arg(on(143)),
        QStringLiteral("993 (on %1) | IMAP (implicit TLS) | yes | implicit TLS | TLSv1.3 | trusted | no | OK")
            .arg(on(993)),
        QStringLiteral("110 (on %1) | POP3 (STARTTLS) | yes | STARTTLS | TLSv1.3 | trusted | yes | Warning")
            .arg(on(110)),
        QStringLiteral("995 (on %1) | POP3 (implicit TLS) | yes | implicit TLS | TLSv1.3 | trusted | no | OK")
            .arg(on(995)),
    };
    QCOMPARE(view.rowTexts(), expected);
    QCOMPARE(view.check()->worstVerdict(), Verdict::Warning);
    // Activating a row hands over that port's run.
    QSignalSpy requested(&view, &AllPortsView::runRequested);
    view.table()->setCurrentCell(3, 0);
    QTest::keyClick(view.table(), Qt::Key_Return);
    QTRY_COMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).value<Run>().target.port, map.value(2525));
}

QTEST_MAIN(TestHistoryGui)
#include "TestHistoryGui.moc"
