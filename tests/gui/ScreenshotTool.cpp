// mailscope-screenshots: drives the main window through its main states against the built-in
// demo server and saves each as a PNG (packaging/screenshots/, shown in the README).
//   mailscope-screenshots [--dark] OUTPUT_DIR
#include "AllPortsView.h"
#include "CertificatePanel.h"
#include "check/AllPortsCheck.h"
#include "CompareDialog.h"
#include "GuiTestSupport.h"
#include "HistoryFeature.h"
#include "HistoryPanel.h"
#include "i18n/Translations.h"
#include "LegacyTlsRun.h"
#include "MainWindow.h"
#include "ProfileEditorDialog.h"
#include "profiles/ProfileStore.h"
#include "profiles/ProviderPresets.h"
#include "profiles/RunHistory.h"
#include "ProfileSidebar.h"
#include "RunController.h"
#include "ServerBar.h"
#include "session/ProbeSession.h"
#include "TimelineModel.h"
#include "TimelineView.h"
#include "TlsPanel.h"
#include "TrustCertificateDialog.h"

#include <cstdio>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QPixmap>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTableWidget>
#include <QTextStream>
#include <QTreeWidget>

namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x90, 0x94, 0x9a));
    p.setColor(QPalette::Link, QColor(0x7a, 0xb0, 0xff));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

bool save(QWidget& window, const QString& dir, const QString& name)
{
    pumpUntil([] { return false; }, 150); // let timers and repaints settle
    const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
    const bool ok = window.grab().save(path);
    QTextStream(stdout) << (ok ? "saved " : "FAILED ") << path << Qt::endl;
    return ok;
}

bool saveWidget(QWidget& widget, const QString& dir, const QString& name)
{
    pumpUntil([] { return false; }, 150);
    const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
    const bool ok = widget.grab().save(path);
    QTextStream(stdout) << (ok ? "saved " : "FAILED ") << path << Qt::endl;
    return ok;
}

void selectScenario(MainWindow& window, const QString& scenario)
{
    ServerChoice choice;
    choice.demoScenario = scenario;
    window.serverBar()->setChoice(choice);
}

bool runToEnd(MainWindow& window, const QString& scenario)
{
    selectScenario(window, scenario);
    window.stepModeAction()->setChecked(false);
    window.runAction()->trigger();
    return pumpUntil([&] { return window.controller()->hasRun() && !window.controller()->isRunning(); });
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailscopeScreenshots"));
    QApplication::setApplicationName(QStringLiteral("Mailscope"));
    Translations::install(app);
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QSettings().clear(); // every screenshot shows a first launch's layout
    // The runs of this tool go to a throwaway history (~/.qttest/share), emptied first, so the
    // history screenshot shows this session's runs only.
    QStandardPaths::setTestModeEnabled(true);
    if (RunHistory::defaultDirectory().contains(QLatin1String("/.qttest/")))
        QDir(RunHistory::defaultDirectory()).removeRecursively();
    QStringList args = QApplication::arguments().mid(1);
    const bool dark = args.removeAll(QStringLiteral("--dark")) > 0;
    if (args.size() != 1) {
        std::fprintf(stderr, "usage: mailscope-screenshots [--dark] OUTPUT_DIR\n");
        return 3;
    }
    const QString dir = args.constFirst();
    QDir().mkpath(dir);
    if (dark)
        QApplication::setPalette(darkPalette());
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSize(10);
    QApplication::setFont(font);

    // Saved profiles of the screenshots live in the test-mode folder too (never the user's), made
    // afresh each time.
    if (ProfileStore::defaultPath().contains(QLatin1String("/.qttest/")))
        QFile::remove(ProfileStore::defaultPath());
    {
        ProfileStore store;
        store.load();
        for (const QString& spec : {QStringLiteral("fastmail"), QStringLiteral("gmail:imaps")}) {
            QString error;
            std::optional<ServerProfile> p = ProviderPresets::profileFor(spec, QString(), &error);
            if (p) {
                p->name = spec == QLatin1String("fastmail") ? QStringLiteral("Fastmail submission")
                                                            : QStringLiteral("Gmail IMAP");
                store.add(*p);
            }
        }
    }

    MainWindow window;
    window.resize(1280, 800);
    window.applyDefaultSizes();
    window.show();
    bool ok = true;
    const QString prefix = dark ? QStringLiteral("dark-") : QString();

    if (!dark) {
        // 1. idle: first launch, the demo server selected
        ok &= save(window, dir, QStringLiteral("01-idle"));

        // 2. mid-run in step mode: paused before STARTTLS
        selectScenario(window, QStringLiteral("good"));
        window.stepModeAction()->setChecked(true);
        window.runAction()->trigger();
        RunController* c = window.controller();
        ok &= pumpUntil([&] {
            if (c->isPaused() && c->pausedBefore() != StepId::StartTls)
                c->next();
            return c->isPaused() && c->pausedBefore() == StepId::StartTls;
        });
        window.timelineView()->selectStepIndex(3);
        ok &= save(window, dir, QStringLiteral("02-step-mode"));
        window.stepModeAction()->setChecked(false);
        pumpUntil([&] { return !c->isRunning(); });
    }

    // 3. a finished good run
    ok &= runToEnd(window, QStringLiteral("good"));
    window.timelineView()->selectStepIndex(window.timelineModel()->rowForStep(StepId::TlsHandshake));
    window.showDetailTab(MainWindow::DetailTab::Tls);
    ok &= save(window, dir, prefix + QStringLiteral("03-good-run"));

    // 4. certificate panel
    window.showDetailTab(MainWindow::DetailTab::Certificates);
    window.certificatePanel()->selectCertificate(0);
    ok &= save(window, dir, prefix + QStringLiteral("05-certificate"));

    if (!dark) {
        // 5. a run with findings
        ok &= runToEnd(window, QStringLiteral("no-starttls"));
        ok &= save(window, dir, QStringLiteral("04-findings-no-starttls"));

        ok &= runToEnd(window, QStringLiteral("response-injection"));
        window.timelineView()->selectStepIndex(window.timelineModel()->rowForStep(StepId::StartTls));
        ok &= save(window, dir, QStringLiteral("06-response-injection"));

        ok &= runToEnd(window, QStringLiteral("expired-cert"));
        window.showDetailTab(MainWindow::DetailTab::Certificates);
        ok &= save(window, dir, QStringLiteral("07-expired-certificate"));

        ok &= runToEnd(window, QStringLiteral("good"));
        window.showDetailTab(MainWindow::DetailTab::Capabilities);
        ok &= save(window, dir, QStringLiteral("08-capabilities"));
    }

    // 9. the TLS audit: version matrix, accepted ciphers, injection and OCSP probes
    window.auditTlsAction()->setChecked(true);
    ok &= runToEnd(window, QStringLiteral("good"));
    window.showDetailTab(MainWindow::DetailTab::Tls);
    ok &= save(window, dir, prefix + QStringLiteral("09-tls-matrix"));
    if (!dark) {
        ok &= runToEnd(window, QStringLiteral("command-injection"));
        window.showDetailTab(MainWindow::DetailTab::Findings);
        ok &= save(window, dir, QStringLiteral("10-command-injection"));
    }
    window.auditTlsAction()->setChecked(false);
    if (!dark) {
        // 19-20. a legacy server's audit with every class of broken suite (shown as a saved run:
        // no server OpenSSL 3 can run serves them, see LegacyTlsRun.h): the TLS pane on its own,
        // tall enough for every suite, and the window's findings.
        const Run legacy = legacyTlsRun();
        TlsPanel panel;
        panel.setRun(&legacy);
        panel.resize(1180, 1290);
        ok &= saveWidget(panel, dir, QStringLiteral("19-tls-suites"));
        window.controller()->showSavedRun(legacy);
        window.showDetailTab(MainWindow::DetailTab::Findings);
        ok &= save(window, dir, QStringLiteral("20-tls-suite-findings"));
    }
    if (!dark) {
        // 11. the right hint: the SMTP port expects implicit TLS; one click runs it that way
        ok &= runToEnd(window, QStringLiteral("expects-implicit-tls"));
        window.showDetailTab(MainWindow::DetailTab::Findings);
        ok &= save(window, dir, QStringLiteral("11-implicit-tls-expected"));

        // 15-17. a saved profile on the demo server: the first run fails (its CA is unknown to the
        // profile), the sidebar offers to trust the certificate; the editor; the trust dialog.
        ProfileSidebar* profiles = window.serverBar()->profiles();
        profiles->addDemoSample();
        window.runAction()->trigger();
        ok &= pumpUntil([&] { return window.controller()->hasRun() && !window.controller()->isRunning(); });
        window.showDetailTab(MainWindow::DetailTab::Findings);
        ok &= save(window, dir, QStringLiteral("15-profiles-sidebar"));
        window.serverBar()->findChild<QPushButton*>(QStringLiteral("trustCertificateButton"))->click();
        if (auto* trust = window.serverBar()->findChild<TrustCertificateDialog*>()) {
            trust->adjustSize();
            ok &= save(*trust, dir, QStringLiteral("17-trust-certificate"));
            trust->reject();
        }
        profiles->editCurrent();
        if (auto* editor = profiles->findChild<ProfileEditorDialog*>()) {
            editor->resize(620, 520);
            ok &= save(*editor, dir, QStringLiteral("16-profile-editor"));
            editor->reject();
        }
    }
    if (!dark) {
        // 12. the demo server's history, the last two runs selected for comparison
        ok &= runToEnd(window, QStringLiteral("good"));
        ok &= runToEnd(window, QStringLiteral("expired-cert"));
        auto* feature = window.findChild<HistoryFeature*>();
        feature->historyAction()->trigger();
        QTreeWidget* list = feature->panel()->list();
        list->clearSelection();
        list->topLevelItem(0)->setSelected(true);
        list->topLevelItem(1)->setSelected(true);
        window.showDetailTab(MainWindow::DetailTab::Findings);
        ok &= save(window, dir, QStringLiteral("12-history"));

        // 13. the two runs side by side
        const QStringList paths = feature->panel()->selectedPaths();
        ok &= feature->compare(paths.value(1), paths.value(0));
        if (CompareDialog* compare = feature->compareDialog()) {
            ok &= saveWidget(*compare, dir, QStringLiteral("13-compare"));
            compare->close();
        }
        feature->historyAction()->trigger();

        // 14. all ports of the demo host at once
        selectScenario(window, QStringLiteral("good"));
        feature->allPortsAction()->trigger();
        if (AllPortsView* view = feature->allPortsView()) {
            ok &= pumpUntil([view] { return view->check() && view->check()->isFinished(); });
            view->table()->selectRow(4);
            ok &= saveWidget(*view, dir, QStringLiteral("14-all-ports"));
            view->close();
        }
    }
    window.close();
    return ok ? 0 : 1;
}
