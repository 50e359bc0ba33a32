// History, compare and the all-ports view in the window, on the offscreen platform: runs of the
// demo server are kept and listed, two are compared side by side, one is reopened read-only in the
// window's panes; the all-ports view against the demo (from the window) and against the real test
// Postfix and Dovecot (tests/integration/servers, fixture real-servers).

#include "AllPortsView.h"
#include "check/AllPortsCheck.h"
#include "CompareDialog.h"
#include "demo/DemoServer.h"
#include "DomainCompareDialog.h"
#include "DomainFeature.h"
#include "DomainProfileDialog.h"
#include "DomainWindow.h"
#include "HistoryFeature.h"
#include "HistoryPanel.h"
#include "MainWindow.h"
#include "ProfileListModel.h"
#include "profiles/ProfileStore.h"
#include "profiles/RunHistory.h"
#include "ProfileSidebar.h"
#include "RealServers.h"
#include "RunController.h"
#include "ServerBar.h"
#include "TestPrinters.h"
#include "TimelineModel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QIcon>
#include <QImage>
#include <QLabel>
#include <QListView>
#include <QPixmap>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
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
    void domainProfileInSidebarHistoryAndCompare();

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

void TestHistoryGui::domainProfileInSidebarHistoryAndCompare()
{
    // Its own profiles file and history: the demo's mail domain, saved, checked twice, compared.
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QByteArray dataBefore = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    const auto restore = qScopeGuard([&] { qputenv("XDG_DATA_HOME", dataBefore); });
    MainWindow window;
    window.resize(1400, 860);
    window.show();
    auto* feature = window.findChild<HistoryFeature*>();
    QVERIFY(feature && feature->domains());
    feature->historyAction()->trigger();
    HistoryPanel* panel = feature->panel();
    ProfileSidebar* sidebar = window.serverBar()->profiles();
    sidebar->addDemoSample(); // a server profile beside it, to tell them apart

    // The domain window (demo domains on first use): "Save as profile…" with demo.test.
    DomainWindow* domains = feature->domains()->showWindow();
    QVERIFY(domains->demoCheck()->isChecked());
    domains->domainBox()->setEditText(QStringLiteral("demo.test"));
    QTest::mouseClick(domains->saveProfileButton(), Qt::LeftButton);
    DomainProfileDialog* editor = nullptr;
    QTRY_VERIFY((editor = sidebar->findChild<DomainProfileDialog*>()) != nullptr);
    QCOMPARE(editor->profile().name, QStringLiteral("demo.test"));
    QCOMPARE(editor->profile().domain, QStringLiteral("demo.test"));
    QVERIFY(editor->profile().demoDomain);
    editor->accept();
    const std::optional<ServerProfile> saved = sidebar->store()->byName(QStringLiteral("demo.test"));
    QVERIFY(saved && saved->isDomain());
    QCOMPARE(sidebar->current()->id, saved->id); // selected in the sidebar
    QCOMPARE(domains->profile()->id, saved->id); // and the window's checks now belong to it
    domains->close();

    // The sidebar tells the kinds apart: tooltip, accessible description, icon.
    QAbstractItemModel* model = sidebar->view()->model();
    QCOMPARE(model->rowCount(), 2);
    QModelIndex domainRow;
    QModelIndex serverRow;
    for (int r = 0; r < model->rowCount(); ++r) {
        const QModelIndex index = model->index(r, 0);
        (index.data(ProfileListModel::IdRole).toString() == saved->id ? domainRow : serverRow) = index;
    }
    QVERIFY(domainRow.isValid() && serverRow.isValid());
    QCOMPARE(domainRow.data(Qt::ToolTipRole).toString(),
             QStringLiteral("Mail domain demo.test (the demo's, no network)"));
    QCOMPARE(domainRow.data(Qt::AccessibleDescriptionRole).toString(), QStringLiteral("Mail domain profile"));
    QCOMPARE(serverRow.data(Qt::AccessibleDescriptionRole).toString(), QStringLiteral("Server profile"));
    QVERIFY(domainRow.data(Qt::DecorationRole).value<QIcon>().pixmap(20).toImage()
            != serverRow.data(Qt::DecorationRole).value<QIcon>().pixmap(20).toImage());
    QCOMPARE(panel->key(), saved->id);
    QCOMPARE(panel->list()->topLevelItemCount(), 0);

    // Run with the domain profile chosen: the domain window checks it; the main window runs nothing.
    QSignalSpy recorded(feature->domains(), &DomainFeature::recorded);
    // (The controller's runStarted also announces previews of the chosen server: a real run is a runner.)
    QSignalSpy serverRuns(window.controller(), &RunController::finished);
    window.runAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(recorded.count(), 1, RunTimeoutMs);
    QCOMPARE(recorded.at(0).at(0).toString(), saved->id);
    QCOMPARE(recorded.at(0).at(1).toString(), QString());
    QCOMPARE(serverRuns.count(), 0);
    QVERIFY(!window.controller()->hasRun());
    QVERIFY(domains->isVisible());
    const DomainReport first = domains->report();
    QCOMPARE(first.domain, QStringLiteral("demo.test"));
    QCOMPARE(first.verdict(), Verdict::Ok);
    QCOMPARE(panel->list()->topLevelItemCount(), 1);
    QCOMPARE(panel->list()->topLevelItem(0)->text(1), QStringLiteral("OK"));
    QCOMPARE(panel->list()->topLevelItem(0)->text(2), QStringLiteral("TLSv1.3"));
    QCOMPARE(panel->list()->topLevelItem(0)->text(3), QStringLiteral("demo.test (1 MX)"));

    // The MX server stops offering STARTTLS; Enter on the profile checks it again.
    QVERIFY(domains->demoServer());
    domains->demoServer()->setScenario(QStringLiteral("no-starttls"));
    sidebar->view()->setFocus();
    sidebar->view()->setCurrentIndex(domainRow);
    QTest::keyClick(sidebar->view(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(recorded.count(), 2, RunTimeoutMs);
    QCOMPARE(serverRuns.count(), 0);
    QVERIFY(!window.controller()->hasRun());
    QCOMPARE(domains->report().verdict(), Verdict::Critical);
    QCOMPARE(panel->list()->topLevelItemCount(), 2);
    QCOMPARE(panel->list()->topLevelItem(0)->text(1), QStringLiteral("Critical"));
    QCOMPARE(panel->list()->topLevelItem(0)->text(2), QStringLiteral("none"));

    // Compare the two checks: what changed at the MX host, and the findings.
    panel->list()->selectAll();
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("historyCompareButton")), Qt::LeftButton);
    QTRY_VERIFY(feature->domainCompareDialog() && feature->domainCompareDialog()->isVisible());
    DomainCompareDialog* dialog = feature->domainCompareDialog();
    const DomainComparison& c = dialog->comparison();
    QCOMPARE(c.changes, (QList<FieldChange> {{"verdict", "ok", "critical"}}));
    QVERIFY(c.mxSet.isEmpty());
    QCOMPARE(c.mx.size(), 1);
    QCOMPARE(c.mx[0].changes, (QList<FieldChange> {{"dane", "valid", "no-tls"},
                                                   {"tls", "127.0.0.1 TLSv1.3", "127.0.0.1 no TLS"},
                                                   {"verdict", "ok", "critical"}}));
    // RFC 8460's result type for the MX, and the domain no longer protected by DANE.
    QCOMPARE(c.findings.added, (QStringList {"mail-unprotected", "starttls-not-supported (mx.demo.test)"}));
    QCOMPARE(c.findings.removed, QStringList());
    const QStringList rows = dialog->rowTexts();
    QVERIFY2(rows.contains(QStringLiteral("● DANE | valid | no-tls")),
             qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY2(rows.contains(QStringLiteral("MX DNSSEC | secure | secure")),
             qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY2(rows.contains(QStringLiteral("MX 10 mx.demo.test")), qPrintable(rows.join(QLatin1Char('\n'))));
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    const QByteArray shots = qgetenv("MAILSCOPE_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        QVERIFY(window.grab().save(QString::fromLocal8Bit(shots) + QStringLiteral("/history-domain.png")));
        QVERIFY(dialog->grab().save(QString::fromLocal8Bit(shots) + QStringLiteral("/compare-domain.png")));
    }
    dialog->close();

    // Open the older check from the history: the domain window shows it, read-only.
    panel->list()->clearSelection();
    panel->list()->topLevelItem(1)->setSelected(true);
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("historyOpenButton")), Qt::LeftButton);
    QCOMPARE(domains->report().startedAt, first.startedAt);
    QCOMPARE(domains->report().verdict(), Verdict::Ok);
    QCOMPARE(domains->mxTable()->item(0, 4)->text(), QStringLiteral("valid"));
    QCOMPARE(panel->list()->topLevelItemCount(), 2); // showing it recorded nothing

    // A domain check and a server run cannot be compared: said in the status bar.
    QString error;
    const QString runPath =
        RunHistory().record(QStringLiteral("k"), first.mx.first().runs.first().run, &error);
    QVERIFY2(!runPath.isEmpty(), qPrintable(error));
    QVERIFY(!feature->compare(panel->selectedPaths().first(), runPath));
    QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("cannot be compared")),
             qPrintable(window.statusBar()->currentMessage()));
}

QTEST_MAIN(TestHistoryGui)
#include "TestHistoryGui.moc"
