// The profiles in the GUI: the sidebar, the editor, trust after a failed run, credentials without a
// keychain, against the built-in demo server. (The same against the real Postfix: TestProfilesPostfix.)
#include "demo/DemoServer.h"
#include "DemoProfile.h"
#include "findings/FindingCatalogue.h"
#include "ProfileGuiHelpers.h"
#include "profiles/ProfileStore.h"
#include "profiles/RunHistory.h"
#include "RunController.h"
#include "RunHelpers.h"
#include "RunSummaryBar.h"
#include "TestPrinters.h"
#include "TrustCertificateDialog.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>

namespace {
const QByteArray TestPassword = "Pw-9f3c-never-on-disk";
}

class TestProfilesGui final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("MailscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestProfilesGui"));
        // No session bus: no secret service can be reached (the no-keychain path).
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mailscope-test-bus");
    }

    void init()
    {
        m_home.reset(new QTemporaryDir);
        QVERIFY(m_home->isValid());
        qputenv("XDG_CONFIG_HOME", m_home->filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_home->filePath(QStringLiteral("data")).toUtf8());
        QSettings().clear();
    }

    void createFromAPresetInTwoClicks()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        // Click one opens the "+" menu, click two picks the provider.
        auto* add = sidebar->findChild<QToolButton*>(QStringLiteral("addProfileButton"));
        QMenu* presets = add->menu()->findChild<QMenu*>(QStringLiteral("presetMenu"));
        QAction* gmail = nullptr;
        for (QAction* a : presets->actions())
            gmail = a->data().toString() == QLatin1String("gmail") ? a : gmail;
        QVERIFY(gmail);
        gmail->trigger();
        ProfileEditorDialog* editor = openEditor(window);
        QVERIFY(editor);
        // Gmail's documented submission endpoint (support.google.com: smtp.gmail.com, 587, STARTTLS).
        QCOMPARE(field(editor, "hostEdit")->text(), QStringLiteral("smtp.gmail.com"));
        QCOMPARE(field(editor, "portEdit")->text(), QStringLiteral("587"));
        QCOMPARE(field(editor, "nameEdit")->text(), QStringLiteral("Gmail"));
        QVERIFY(saveButton(editor)->isEnabled());
        saveButton(editor)->click();

        QCOMPARE(sidebar->store()->profiles().size(), 1);
        const ServerProfile saved = sidebar->store()->profiles().first();
        QCOMPARE(saved.name, QStringLiteral("Gmail"));
        QCOMPARE(saved.host, QStringLiteral("smtp.gmail.com"));
        QCOMPARE(saved.port, quint16(587));
        QCOMPARE(saved.tls, TlsMode::StartTls);
        // The new profile is selected: the run goes there.
        const ServerChoice choice = window.serverBar()->choice();
        QCOMPARE(choice.kind, ServerChoice::Kind::Profile);
        QCOMPARE(choice.profile->id, saved.id);
        // And it survives a restart (a second store reading the same file).
        ProfileStore again;
        again.load();
        QCOMPARE(again.profiles().size(), 1);
        QCOMPARE(again.profiles().first().name, QStringLiteral("Gmail"));

        // A second one from the same preset gets its own name.
        sidebar->newFromPreset(QStringLiteral("gmail"));
        editor = openEditor(window);
        QVERIFY(editor);
        QCOMPARE(field(editor, "nameEdit")->text(), QStringLiteral("Gmail (2)"));
        editor->reject();
    }

    void editorValidatesAsYouType()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        ServerProfile other;
        other.name = QStringLiteral("Taken");
        other.host = QStringLiteral("mail.example.org");
        QCOMPARE(sidebar->store()->add(other), QString());

        sidebar->newProfile();
        ProfileEditorDialog* editor = openEditor(window);
        QVERIFY(editor);
        auto* message = editor->findChild<QLabel*>(QStringLiteral("validationMessage"));
        QCOMPARE(message->text(), QStringLiteral("Give the profile a name."));
        QVERIFY(!saveButton(editor)->isEnabled());

        retype(field(editor, "nameEdit"), QStringLiteral("Taken"));
        QCOMPARE(message->text(), QStringLiteral("A profile named “Taken” exists already."));
        retype(field(editor, "nameEdit"), QStringLiteral("Büro-Server"));
        QCOMPARE(message->text(), QStringLiteral("Enter the server's host name or address."));
        retype(field(editor, "hostEdit"), QStringLiteral("mail example.org"));
        QVERIFY2(message->text().startsWith(QLatin1String("Host: ")), qPrintable(message->text()));
        QVERIFY(!saveButton(editor)->isEnabled());
        retype(field(editor, "hostEdit"), QStringLiteral("mail.example.org"));
        retype(field(editor, "portEdit"), QStringLiteral("70000"));
        QCOMPARE(message->text(), QStringLiteral("The port must be a number from 1 to 65535."));
        QVERIFY(!saveButton(editor)->isEnabled());
        // 465 is implicit TLS (RFC 8314 s.3.3): a hint, not an error.
        retype(field(editor, "portEdit"), QStringLiteral("465"));
        QCOMPARE(message->text(),
                 QStringLiteral("Hint: Port 465 usually expects implicit TLS, not STARTTLS."));
        QVERIFY(saveButton(editor)->isEnabled());
        auto* protocol = editor->findChild<QComboBox*>(QStringLiteral("protocolCombo"));
        retype(field(editor, "portEdit"), QStringLiteral("993"));
        protocol->setCurrentIndex(protocol->findData(int(Protocol::Smtp)));
        QCOMPARE(message->text(), QStringLiteral("Hint: Port 993 is usually IMAP, not SMTP."));
        protocol->setCurrentIndex(protocol->findData(int(Protocol::Imap)));
        auto* tls = editor->findChild<QComboBox*>(QStringLiteral("tlsCombo"));
        tls->setCurrentIndex(tls->findData(int(TlsMode::Implicit)));
        QCOMPARE(message->text(), QString());
        saveButton(editor)->click();

        const std::optional<ServerProfile> saved = sidebar->store()->byName(QStringLiteral("Büro-Server"));
        QVERIFY(saved);
        QCOMPARE(saved->port, quint16(993));
        QCOMPARE(saved->protocol, Protocol::Imap);
        QCOMPARE(saved->tls, TlsMode::Implicit);

        // Edit: the name check ignores the profile's own name.
        QVERIFY(sidebar->select(saved->id));
        sidebar->editCurrent();
        editor = openEditor(window);
        QVERIFY(editor);
        QVERIFY(saveButton(editor)->isEnabled());
        auto* notes = editor->findChild<QPlainTextEdit*>(QStringLiteral("notesEdit"));
        notes->setPlainText(QStringLiteral("Mailbox of the office"));
        saveButton(editor)->click();
        QCOMPARE(sidebar->store()->byId(saved->id)->notes, QStringLiteral("Mailbox of the office"));
        QCOMPARE(sidebar->store()->byId(saved->id)->revision, saved->revision + 1);
    }

    void keyboardFilterRenameDeleteAndUndo()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        for (const char* name : {"Alpha", "Beta", "Gamma"}) {
            ServerProfile p;
            p.name = QString::fromLatin1(name);
            p.host = QStringLiteral("%1.example.org").arg(p.name.toLower());
            QCOMPARE(sidebar->store()->add(p), QString());
        }
        sidebar->store()->load();
        // A new window reads them (a restart).
        MainWindow second;
        second.show();
        QVERIFY(QTest::qWaitForWindowExposed(&second));
        sidebar = second.serverBar()->profiles();
        QListView* list = sidebar->view();
        QCOMPARE(list->model()->rowCount(), 3);

        auto* filter = sidebar->findChild<QLineEdit*>(QStringLiteral("profileFilter"));
        QTest::keyClicks(filter, QStringLiteral("gam"));
        QCOMPARE(list->model()->rowCount(), 1);
        QCOMPARE(list->model()->index(0, 0).data().toString(), QStringLiteral("Gamma"));
        filter->clear();
        QCOMPARE(list->model()->rowCount(), 3);

        const QString betaId = sidebar->store()->byName(QStringLiteral("Beta"))->id;
        QVERIFY(sidebar->select(betaId));
        list->setFocus();
        // F2 renames in place.
        QTest::keyClick(list, Qt::Key_F2);
        auto* inPlace = list->findChild<QLineEdit*>();
        QVERIFY(inPlace);
        inPlace->selectAll();
        QTest::keyClicks(inPlace, QStringLiteral("Bravo"));
        QTest::keyClick(inPlace, Qt::Key_Return);
        QTRY_COMPARE(sidebar->store()->byId(betaId)->name, QStringLiteral("Bravo"));

        // Del deletes, Undo brings it back under its own id.
        QVERIFY(sidebar->select(betaId));
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Delete);
        QCOMPARE(sidebar->store()->profiles().size(), 2);
        QVERIFY(!sidebar->store()->byId(betaId));
        ProfileStore onDisk;
        onDisk.load();
        QCOMPARE(onDisk.profiles().size(), 2);
        auto* undoBar = sidebar->findChild<QWidget*>(QStringLiteral("undoBar"));
        QVERIFY(undoBar->isVisible());
        const QString undoText = undoBar->findChild<QLabel*>(QStringLiteral("undoLabel"))->text();
        QVERIFY2(undoText.contains(QStringLiteral("“Bravo” deleted")), qPrintable(undoText));
        undoBar->findChild<QPushButton*>(QStringLiteral("undoDeleteButton"))->click();
        QCOMPARE(sidebar->store()->profiles().size(), 3);
        QCOMPARE(sidebar->store()->byId(betaId)->name, QStringLiteral("Bravo"));
        QVERIFY(!undoBar->isVisible());
        QCOMPARE(sidebar->current()->id, betaId);

        // Enter runs the selected profile.
        QSignalSpy run(second.serverBar(), &ServerBar::runRequested);
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(run.size(), 1);
    }

    void brokenAndNewerFilesAreReported()
    {
        const QString path = ProfileStore::defaultPath();
        QVERIFY(QDir().mkpath(QFileInfo(path).path()));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{ \"schema_version\": 1, \"profiles\": [ truncated");
        }
        {
            MainWindow window;
            const QString notice = window.serverBar()->profiles()->notice();
            const QStringList aside =
                QDir(QFileInfo(path).path()).entryList({QStringLiteral("profiles.json.*")}, QDir::Files);
            QCOMPARE(aside.size(), 1);
            QVERIFY2(notice.contains(QFileInfo(path).path() + QLatin1Char('/') + aside.first()),
                     qPrintable(notice));
        }
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("{ \"schema_version\": 99, \"profiles\": [] }");
        }
        MainWindow window;
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        QVERIFY(sidebar->store()->isReadOnly());
        const QString notice = sidebar->notice();
        QVERIFY2(notice.contains(QLatin1String("newer Mailscope (schema version 99")), qPrintable(notice));
        QVERIFY2(notice.contains(path), qPrintable(notice));
        QVERIFY(!sidebar->findChild<QToolButton*>(QStringLiteral("addProfileButton"))->isEnabled());
    }

    void demoSampleTrustedAfterAFailedRun()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        auto* add = sidebar->findChild<QToolButton*>(QStringLiteral("addProfileButton"));
        add->menu()->actions().last()->trigger(); // "Sample on the demo server (needs a CA)"
        QCOMPARE(sidebar->store()->profiles().size(), 1);
        QCOMPARE(window.serverBar()->choice().kind, ServerChoice::Kind::Profile);

        QSignalSpy finished(window.controller(), &RunController::finished);
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        // The demo CA is not the profile's: who vouches for the certificate is unknown.
        QCOMPARE(findingIds(window.controller()->run()), ids({FindingIds::CertUntrustedChain}));
        auto* trust = window.serverBar()->findChild<QPushButton*>(QStringLiteral("trustCertificateButton"));
        QVERIFY(trust->isVisible());
        trust->click();
        auto* dialog =
            openDialog<TrustCertificateDialog>(window.serverBar(), QStringLiteral("trustCertificateDialog"));
        QVERIFY(dialog);
        const QString shown = dialog->findChild<QLabel*>(QStringLiteral("fingerprintLabel"))->text();
        QCOMPARE(shown, window.controller()->run().certificates.value(0).sha256);
        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("meaningLabel"))
                    ->text()
                    .contains(QLatin1String("expiry and the host name are still checked")));
        dialog->findChild<QPushButton*>(QStringLiteral("trustButton"))->click();
        QCOMPARE(sidebar->store()->profiles().first().acceptedCertificates.size(), 1);
        QCOMPARE(sidebar->store()->profiles().first().acceptedCertificates.first().sha256, shown);
        QVERIFY(!trust->isVisible());

        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QCOMPARE(findingIds(window.controller()->run()), ids({FindingIds::CertTrustedByProfile}));
        QVERIFY(window.controller()->run().tls->trustedByProfile);

        // The other way: the demo CA file, without the accepted certificate.
        const QString id = sidebar->store()->profiles().first().id;
        auto* useCa = window.serverBar()->findChild<QPushButton*>(QStringLiteral("demoCaButton"));
        QVERIFY(useCa->isVisible());
        useCa->click();
        ServerProfile p = *sidebar->store()->byId(id);
        QCOMPARE(p.caFiles, QStringList {window.controller()->demoServer()->caFile()});
        p.acceptedCertificates.clear();
        QCOMPARE(sidebar->store()->update(p), QString());
        sidebar->store()->load();
        QVERIFY(sidebar->select(id));
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 30000);
        QCOMPARE(findingIds(window.controller()->run()), ids({}));
        // The history keeps the profile's runs under its id, as `check --profile` does.
        QTRY_COMPARE(RunHistory().entries(id).size(), 3);
        QCOMPARE(RunHistory().entries(RunHistory::demoKey()).size(), 0);
    }

    void demoProfilesSurviveARestart()
    {
        // Launch 1: two demo sample profiles, one trusting the certificate (the trust dialog), one
        // the demo CA file (its button). Then the window and its demo server go, as on quitting.
        QString byFingerprint;
        QString byCaFile;
        QString caFile;
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            ProfileSidebar* sidebar = window.serverBar()->profiles();
            QSignalSpy finished(window.controller(), &RunController::finished);
            sidebar->addDemoSample();
            byFingerprint = sidebar->current()->id;
            window.startRun();
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
            QCOMPARE(findingIds(window.controller()->run()), ids({FindingIds::CertUntrustedChain}));
            window.serverBar()->findChild<QPushButton*>(QStringLiteral("trustCertificateButton"))->click();
            auto* dialog = openDialog<TrustCertificateDialog>(window.serverBar(),
                                                              QStringLiteral("trustCertificateDialog"));
            QVERIFY(dialog);
            dialog->findChild<QPushButton*>(QStringLiteral("trustButton"))->click();

            sidebar->addDemoSample();
            byCaFile = sidebar->current()->id;
            QVERIFY(byCaFile != byFingerprint);
            window.startRun();
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
            auto* useCa = window.serverBar()->findChild<QPushButton*>(QStringLiteral("demoCaButton"));
            QVERIFY(useCa->isVisible());
            useCa->click();
            caFile = window.controller()->demoServer()->caFile();
            QCOMPARE(sidebar->store()->byId(byCaFile)->caFiles, QStringList {caFile});
        }

        // Launch 2: a new window, a new demo server on other ports; both profiles run clean.
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        QSignalSpy finished(window.controller(), &RunController::finished);
        QSignalSpy errors(window.controller(), &RunController::errorOccurred);
        QVERIFY(sidebar->select(byCaFile));
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size() + errors.size(), 1, 30000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
        QCOMPARE(window.controller()->demoServer()->caFile(), caFile);
        QCOMPARE(findingIds(window.controller()->run()), ids({}));
        // The profile already names the demo CA file: nothing more to offer.
        QVERIFY(!window.serverBar()->findChild<QPushButton*>(QStringLiteral("demoCaButton"))->isVisible());

        QVERIFY(sidebar->select(byFingerprint));
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size() + errors.size(), 2, 30000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
        QCOMPARE(findingIds(window.controller()->run()), ids({FindingIds::CertTrustedByProfile}));
    }

    void demoProfileOfAnEarlierVersion()
    {
        // An earlier Mailscope kept the demo CA in a temporary folder that went with its launch;
        // a demo profile saved then names that file. It runs with the demo CA file of today.
        ServerProfile p = DemoProfile::sample();
        const QString gone = QDir::tempPath() + QStringLiteral("/mailscope-demo-Gone42/demo-ca.pem");
        QVERIFY(!QFile::exists(gone));
        p.caFiles = {gone};
        {
            ProfileStore store;
            store.load();
            QCOMPARE(store.add(p), QString());
        }
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        QVERIFY(sidebar->select(p.id));
        QCOMPARE(window.serverBar()->choice().profile->caFiles, QStringList {gone});
        QSignalSpy finished(window.controller(), &RunController::finished);
        QSignalSpy errors(window.controller(), &RunController::errorOccurred);
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size() + errors.size(), 1, 30000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
        QCOMPARE(findingIds(window.controller()->run()), ids({}));
        QVERIFY(!window.serverBar()->findChild<QPushButton*>(QStringLiteral("demoCaButton"))->isVisible());
    }

    void domainProfileSelectedSaysWhatRunDoes()
    {
        ServerProfile p;
        p.kind = ProfileKind::Domain;
        p.name = QStringLiteral("Shop mail");
        p.domain = QStringLiteral("demo.test");
        p.demoDomain = true;
        {
            ProfileStore store;
            store.load();
            QCOMPARE(store.add(p), QString());
        }
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.serverBar()->profiles()->select(p.id));
        // No conversation to watch here, no step mode: Run opens the domain window.
        QCOMPARE(window.summaryBar()->headline(), QStringLiteral("Ready to check the mail domain demo.test"));
        QCOMPARE(window.summaryBar()->detail(),
                 QStringLiteral(
                     "Press Run (Ctrl+R) to open the domain window: MX hosts, DNSSEC, DANE, MTA-STS and "
                     "TLS-RPT."));
        const QByteArray shots = qgetenv("MAILSCOPE_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(window.grab().save(QString::fromLocal8Bit(shots)
                                       + QStringLiteral("/domain-profile-selected.png")));
    }

    void withoutAKeychainThePasswordIsAskedForAndNeverWritten()
    {
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            ProfileSidebar* sidebar = window.serverBar()->profiles();
            sidebar->addDemoSample();
            const QString id = sidebar->current()->id;
            // Trust the demo certificate by the CA file once the demo server runs.
            QSignalSpy finished(window.controller(), &RunController::finished);
            window.startRun();
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
            QVERIFY(sidebar->addCaFile(id, window.controller()->demoServer()->caFile()));

            sidebar->editCurrent();
            ProfileEditorDialog* editor = openEditor(window);
            QVERIFY(editor);
            retype(field(editor, "userEdit"), QStringLiteral("demo"));
            retype(field(editor, "passwordEdit"), QString::fromLatin1(TestPassword));
            saveButton(editor)->click();
            // The keychain cannot be reached: said so, and the profile records no stored password.
            QTRY_VERIFY_WITH_TIMEOUT(
                sidebar->notice().startsWith(QLatin1String("The password was NOT stored")), 30000);
            QVERIFY(!sidebar->store()->byId(id)->passwordStored);
            QCOMPARE(sidebar->store()->byId(id)->user, QStringLiteral("demo"));

            // A run asks for it, saying why, and logs in with what was typed.
            window.startRun();
            CredentialPromptFinder prompt(window.serverBar());
            QTRY_VERIFY(prompt.find());
            QVERIFY(prompt.reason().contains(QLatin1String("no password in the keychain")));
            QTest::keyClicks(prompt.password(), QStringLiteral("demo"));
            prompt.accept();
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
            const Run& run = window.controller()->run();
            QVERIFY(run.step(StepId::Auth));
            QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Ok);
            QCOMPARE(findingIds(run), ids({}));
            window.close();
        }
        // Nothing under the config or data directories holds the password typed into the editor.
        QCOMPARE(filesContaining(m_home->path(), TestPassword), QStringList());
        QVERIFY(QFileInfo::exists(ProfileStore::defaultPath()));
    }

    void quickConnectWithCaFileAndSaveAsProfile()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The demo server runs once (demo entry), so quick connect has a server to check.
        QSignalSpy finished(window.controller(), &RunController::finished);
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const DemoServer* demo = window.controller()->demoServer();
        const QString target =
            QStringLiteral("localhost:%1").arg(demo->port(Protocol::Smtp, TlsMode::StartTls));

        auto* servers = window.serverBar()->findChild<QListWidget*>(QStringLiteral("serverList"));
        servers->setCurrentRow(1);
        auto* host = window.serverBar()->findChild<QLineEdit*>(QStringLiteral("hostEdit"));
        QTest::keyClicks(host, target);
        // Without the CA: the demo CA is unknown to a quick connect.
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QCOMPARE(findingIds(window.controller()->run()), ids({FindingIds::CertUntrustedChain}));
        auto* quickTrust = window.serverBar()->findChild<QPushButton*>(QStringLiteral("quickTrustButton"));
        QVERIFY(quickTrust->isVisible());
        // Trusting it from quick connect makes a profile that holds the accepted certificate.
        quickTrust->click();
        auto* dialog =
            openDialog<TrustCertificateDialog>(window.serverBar(), QStringLiteral("trustCertificateDialog"));
        QVERIFY(dialog);
        const QString fingerprint = window.controller()->run().certificates.value(0).sha256;
        QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("fingerprintLabel"))->text(), fingerprint);
        dialog->findChild<QPushButton*>(QStringLiteral("trustButton"))->click();
        ProfileEditorDialog* trusted = openEditor(window);
        QVERIFY(trusted);
        retype(field(trusted, "nameEdit"), QStringLiteral("Trusted demo"));
        saveButton(trusted)->click();
        const std::optional<ServerProfile> withCert =
            window.serverBar()->profiles()->store()->byName(QStringLiteral("Trusted demo"));
        QVERIFY(withCert);
        QCOMPARE(withCert->acceptedCertificates.size(), 1);
        QCOMPARE(withCert->acceptedCertificates.first().sha256, fingerprint);
        servers->setCurrentRow(1); // back to quick connect
        // With the CA file and a login, clean and logged in.
        QTest::keyClicks(window.serverBar()->findChild<QLineEdit*>(QStringLiteral("quickCaFileEdit")),
                         demo->caFile());
        QTest::keyClicks(window.serverBar()->findChild<QLineEdit*>(QStringLiteral("quickUserEdit")),
                         QStringLiteral("demo"));
        window.startRun();
        // No password typed: asked for.
        CredentialPromptFinder prompt(window.serverBar());
        QTRY_VERIFY(prompt.find());
        QTest::keyClicks(prompt.password(), QStringLiteral("demo"));
        prompt.accept();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 30000);
        QCOMPARE(findingIds(window.controller()->run()), ids({}));
        QCOMPARE(window.controller()->run().step(StepId::Auth)->status, StepStatus::Ok);

        // Save as profile: the editor opens with what quick connect holds, password included.
        QTest::keyClicks(window.serverBar()->findChild<QLineEdit*>(QStringLiteral("quickPasswordEdit")),
                         QString::fromLatin1(TestPassword));
        window.serverBar()->findChild<QPushButton*>(QStringLiteral("saveAsProfileButton"))->click();
        ProfileEditorDialog* editor = openEditor(window);
        QVERIFY(editor);
        QCOMPARE(field(editor, "hostEdit")->text(), QStringLiteral("localhost"));
        QCOMPARE(field(editor, "userEdit")->text(), QStringLiteral("demo"));
        QCOMPARE(field(editor, "passwordEdit")->text(), QString::fromLatin1(TestPassword));
        saveButton(editor)->click();
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        const std::optional<ServerProfile> saved = sidebar->store()->byName(QStringLiteral("localhost"));
        QVERIFY(saved);
        QCOMPARE(saved->caFiles, QStringList {demo->caFile()});
        QCOMPARE(saved->port, demo->port(Protocol::Smtp, TlsMode::StartTls));
        QTRY_VERIFY_WITH_TIMEOUT(sidebar->notice().startsWith(QLatin1String("The password was NOT stored")),
                                 30000);
        QVERIFY(!sidebar->store()->byName(QStringLiteral("localhost"))->passwordStored);
        window.close();
        QCOMPARE(filesContaining(m_home->path(), TestPassword), QStringList());
    }

private:
    struct CredentialPromptFinder
    {
        explicit CredentialPromptFinder(QWidget* parent)
            : m_parent(parent)
        {
        }
        bool find()
        {
            m_dialog = openDialog<QDialog>(m_parent, QStringLiteral("credentialPrompt"));
            return m_dialog != nullptr;
        }
        QString reason() const
        {
            return m_dialog->findChild<QLabel*>(QStringLiteral("credentialReason"))->text();
        }
        QLineEdit* password() const { return field(m_dialog, "credentialPassword"); }
        void accept() { m_dialog->accept(); }
        QWidget* m_parent;
        QDialog* m_dialog = nullptr;
    };

    std::unique_ptr<QTemporaryDir> m_home;
};

QTEST_MAIN(TestProfilesGui)
#include "TestProfilesGui.moc"
