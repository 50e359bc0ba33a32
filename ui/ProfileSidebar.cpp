#include "ProfileSidebar.h"

#include "DemoProfile.h"
#include "DomainProfileDialog.h"
#include "ProfileEditorDialog.h"
#include "ProfileListModel.h"
#include "profiles/ProfileStore.h"
#include "profiles/ProviderPresets.h"
#include "profiles/SecretStore.h"
#include "UiStyle.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QVBoxLayout>

ProfileSidebar::ProfileSidebar(const QString& storePath, QWidget* parent)
    : QWidget(parent)
    , m_store(std::make_unique<ProfileStore>(storePath.isEmpty() ? ProfileStore::defaultPath() : storePath))
    , m_secrets(new SecretStore(this))
{
    setObjectName(QStringLiteral("profileSidebar"));
    m_store->load();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* top = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("profileFilter"));
    m_filter->setPlaceholderText(tr("Filter profiles"));
    m_filter->setAccessibleName(tr("Filter profiles"));
    m_filter->setClearButtonEnabled(true);
    top->addWidget(m_filter, 1);
    m_addButton = new QToolButton(this);
    m_addButton->setObjectName(QStringLiteral("addProfileButton"));
    m_addButton->setText(tr("+"));
    m_addButton->setToolTip(tr("New profile (empty, from a provider preset, or the demo sample)"));
    m_addButton->setAccessibleName(tr("New profile"));
    m_addButton->setPopupMode(QToolButton::InstantPopup);
    m_addButton->setMenu(makeAddMenu());
    top->addWidget(m_addButton);
    layout->addLayout(top);

    m_model = new ProfileListModel(m_store.get(), this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(ProfileListModel::SearchRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortLocaleAware(true);
    m_proxy->sort(0);
    m_view = new QListView(this);
    m_view->setObjectName(QStringLiteral("profileList"));
    m_view->setAccessibleName(tr("Saved profiles"));
    m_view->setModel(m_proxy);
    m_view->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setIconSize(QSize(20, 20));
    layout->addWidget(m_view, 1);

    m_undoBar = new QWidget(this);
    m_undoBar->setObjectName(QStringLiteral("undoBar"));
    auto* undoLayout = new QHBoxLayout(m_undoBar);
    undoLayout->setContentsMargins(0, 0, 0, 0);
    m_undoLabel = new QLabel(m_undoBar);
    m_undoLabel->setObjectName(QStringLiteral("undoLabel"));
    m_undoLabel->setWordWrap(true);
    undoLayout->addWidget(m_undoLabel, 1);
    auto* undo = new QPushButton(tr("&Undo"), m_undoBar);
    undo->setObjectName(QStringLiteral("undoDeleteButton"));
    undoLayout->addWidget(undo);
    auto* dismiss = new QToolButton(m_undoBar);
    dismiss->setText(QStringLiteral("×"));
    dismiss->setToolTip(tr("Dismiss: the profile stays deleted"));
    undoLayout->addWidget(dismiss);
    m_undoBar->hide();
    layout->addWidget(m_undoBar);
    connect(undo, &QPushButton::clicked, this, &ProfileSidebar::undoDelete);
    connect(dismiss, &QToolButton::clicked, this, &ProfileSidebar::finishPendingDelete);

    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("profileNotice"));
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::PlainText);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->setFrameShape(QFrame::StyledPanel);
    m_notice->hide();
    layout->addWidget(m_notice);

    // Keyboard: the actions live on the list, so their keys work where the focus is.
    const auto listAction = [this](const QString& text, const QKeySequence& key,
                                   void (ProfileSidebar::*slot)()) {
        auto* action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetShortcut);
        m_view->addAction(action);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_runAction = new QAction(tr("&Run"), this); // Enter: the view's activated() signal
    connect(m_runAction, &QAction::triggered, this, &ProfileSidebar::runRequested);
    m_editAction = listAction(tr("&Edit…"), QKeySequence(Qt::CTRL | Qt::Key_E), &ProfileSidebar::editCurrent);
    m_duplicateAction =
        listAction(tr("D&uplicate"), QKeySequence(Qt::CTRL | Qt::Key_D), &ProfileSidebar::duplicateCurrent);
    m_renameAction = listAction(tr("Re&name"), QKeySequence(Qt::Key_F2), &ProfileSidebar::renameCurrent);
    m_deleteAction = listAction(tr("&Delete"), QKeySequence::Delete, &ProfileSidebar::deleteCurrent);
    auto* undoAction = new QAction(tr("Undo delete"), this);
    undoAction->setShortcut(QKeySequence::Undo);
    undoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QWidget::addAction(undoAction); // on the sidebar: Ctrl+Z works from the filter and the list
    connect(undoAction, &QAction::triggered, this, &ProfileSidebar::undoDelete);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        // Enter in the filter picks the first match and runs it.
        if (m_proxy->rowCount() > 0) {
            m_view->setCurrentIndex(m_proxy->index(0, 0));
            Q_EMIT runRequested();
        }
    });
    connect(m_view, &QListView::activated, this, &ProfileSidebar::runRequested);
    connect(m_view, &QListView::customContextMenuRequested, this, &ProfileSidebar::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ProfileSidebar::currentChanged);
    connect(m_model, &ProfileListModel::renameFailed, this, &ProfileSidebar::showNotice);
    connect(m_model, &ProfileListModel::renamed, this, &ProfileSidebar::currentChanged);
    showStoreNotices();
}

ProfileSidebar::~ProfileSidebar() = default;

QMenu* ProfileSidebar::makeAddMenu()
{
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("addProfileMenu"));
    menu->addAction(tr("&New profile…"), this, &ProfileSidebar::newProfile);
    menu->addAction(UiStyle::icon(QStringLiteral("mail-domain")), tr("New mail &domain profile…"), this,
                    &ProfileSidebar::newDomainProfile);
    QMenu* presets = menu->addMenu(tr("From a &provider preset"));
    presets->setObjectName(QStringLiteral("presetMenu"));
    for (const ProviderPreset& preset : ProviderPresets::all()) {
        QAction* a = presets->addAction(preset.name);
        a->setData(preset.id);
        a->setToolTip(preset.note);
        connect(a, &QAction::triggered, this, [this, id = preset.id] { newFromPreset(id); });
    }
    menu->addAction(tr("Sample on the &demo server (needs a CA)"), this, &ProfileSidebar::addDemoSample);
    return menu;
}

std::optional<ServerProfile> ProfileSidebar::current() const
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || !m_view->selectionModel()->isSelected(index))
        return std::nullopt;
    return m_model->profileAt(m_proxy->mapToSource(index).row());
}

bool ProfileSidebar::select(const QString& id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row));
    if (!index.isValid())
        m_filter->clear();
    m_view->setCurrentIndex(m_proxy->mapFromSource(m_model->index(row)));
    Q_EMIT currentChanged();
    return true;
}

void ProfileSidebar::clearSelection()
{
    if (!m_view->currentIndex().isValid())
        return;
    m_view->selectionModel()->clear();
    Q_EMIT currentChanged();
}

QString ProfileSidebar::notice() const { return m_notice->isHidden() ? QString() : m_notice->text(); }

QStringList ProfileSidebar::namesExcept(const QString& id) const
{
    QStringList names;
    for (const ServerProfile& p : m_store->profiles()) {
        if (p.id != id)
            names.append(p.name);
    }
    return names;
}

void ProfileSidebar::newProfile()
{
    ServerProfile p;
    p.port = 587;
    openEditor(p, true);
}

void ProfileSidebar::newDomainProfile()
{
    ServerProfile p;
    p.kind = ProfileKind::Domain;
    openEditor(p, true);
}

void ProfileSidebar::newFromPreset(const QString& spec)
{
    if (ProfileEditorDialog* editor = openEditor(ServerProfile(), true))
        editor->applyPreset(spec);
}

void ProfileSidebar::addDemoSample()
{
    ServerProfile p = DemoProfile::sample();
    for (int n = 2; namesExcept({}).contains(p.name); ++n)
        p.name = QStringLiteral("%1 (%2)").arg(DemoProfile::sample().name).arg(n);
    save(p, true, {}, false);
}

void ProfileSidebar::editCurrent()
{
    if (const std::optional<ServerProfile> p = current())
        openEditor(*p, false);
}

void ProfileSidebar::duplicateCurrent()
{
    std::optional<ServerProfile> p = current();
    if (!p)
        return;
    const QString base = tr("%1 (copy)").arg(p->name);
    p->name = base;
    for (int n = 2; namesExcept({}).contains(p->name); ++n)
        p->name = QStringLiteral("%1 %2").arg(base).arg(n);
    // The copy has its own keychain entry, which is empty: it asks for the password.
    p->passwordStored = false;
    save(*p, true, {}, false);
}

void ProfileSidebar::renameCurrent()
{
    if (m_view->currentIndex().isValid() && !m_store->isReadOnly())
        m_view->edit(m_view->currentIndex());
}

void ProfileSidebar::deleteCurrent()
{
    const std::optional<ServerProfile> p = current();
    if (!p)
        return;
    finishPendingDelete();
    const QString error = m_store->remove(p->id);
    if (!error.isEmpty()) {
        showNotice(error);
        return;
    }
    m_deleted = p;
    m_undoLabel->setText(tr("Profile “%1” deleted.").arg(p->name));
    m_undoBar->show();
    const int row = m_view->currentIndex().row();
    m_model->reload();
    if (m_proxy->rowCount() > 0)
        m_view->setCurrentIndex(m_proxy->index(std::min(row, m_proxy->rowCount() - 1), 0));
    Q_EMIT currentChanged();
}

void ProfileSidebar::undoDelete()
{
    if (!m_deleted)
        return;
    ServerProfile p = *m_deleted;
    const QString error = m_store->restore(p);
    if (!error.isEmpty()) {
        showNotice(error);
        return;
    }
    m_deleted.reset();
    m_undoBar->hide();
    reloadAndSelect(p.id);
}

void ProfileSidebar::finishPendingDelete()
{
    m_undoBar->hide();
    if (!m_deleted)
        return;
    if (m_deleted->passwordStored)
        m_secrets->remove(m_deleted->secretKey(), [](const SecretResult&) {});
    m_deleted.reset();
}

void ProfileSidebar::saveAsProfile(const ServerProfile& draft, const QByteArray& password)
{
    ServerProfile p = draft;
    const QString base = !draft.name.isEmpty() ? draft.name : draft.isDomain() ? draft.domain : draft.host;
    p.name = base;
    for (int n = 2; namesExcept({}).contains(p.name); ++n)
        p.name = QStringLiteral("%1 (%2)").arg(base).arg(n);
    openEditor(p, true, password);
}

ProfileEditorDialog* ProfileSidebar::openEditor(const ServerProfile& profile, bool isNew,
                                                const QByteArray& password)
{
    if (m_store->isReadOnly()) {
        showNotice(m_store->readOnlyReason());
        return nullptr;
    }
    if (profile.isDomain()) {
        openDomainEditor(profile, isNew);
        return nullptr;
    }
    auto* editor = new ProfileEditorDialog(profile, namesExcept(isNew ? QString() : profile.id), isNew, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    if (!password.isEmpty())
        editor->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->setText(QString::fromUtf8(password));
    connect(editor, &QDialog::accepted, this, [this, editor, isNew] {
        save(editor->profile(), isNew, editor->password(), editor->forgetPassword());
    });
    editor->open();
    return editor;
}

void ProfileSidebar::openDomainEditor(const ServerProfile& profile, bool isNew)
{
    auto* editor = new DomainProfileDialog(profile, namesExcept(isNew ? QString() : profile.id), isNew, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &QDialog::accepted, this,
            [this, editor, isNew] { save(editor->profile(), isNew, {}, false); });
    editor->open();
}

void ProfileSidebar::save(ServerProfile profile, bool isNew, const QByteArray& password, bool forgetPassword)
{
    const bool hadPassword = profile.passwordStored || forgetPassword;
    if (!password.isEmpty())
        profile.passwordStored = false; // set once the keychain took it
    const QString error = isNew ? m_store->add(profile) : m_store->update(profile);
    if (!error.isEmpty()) {
        showNotice(error);
        return;
    }
    reloadAndSelect(profile.id);
    Q_EMIT profileSaved(profile);
    if ((forgetPassword || profile.user.isEmpty()) && hadPassword && password.isEmpty())
        m_secrets->remove(profile.secretKey(), [](const SecretResult&) {});
    if (password.isEmpty())
        return;
    // The password goes to the keychain only; the profile records that it is there once it is.
    QPointer<ProfileSidebar> self(this);
    m_secrets->write(profile.secretKey(), password, [self, id = profile.id](const SecretResult& result) {
        if (!self)
            return;
        std::optional<ServerProfile> stored = self->m_store->byId(id);
        if (!stored)
            return;
        if (!result.ok()) {
            self->showNotice(tr("The password was NOT stored: %1 Mailscope asks for it when a run needs it.")
                                 .arg(result.message));
            return;
        }
        stored->passwordStored = true;
        const QString updateError = self->m_store->update(*stored);
        if (!updateError.isEmpty()) {
            self->showNotice(updateError);
            return;
        }
        self->showNotice(tr("The password is stored in the keychain."));
        self->reloadAndSelect(id);
    });
}

bool ProfileSidebar::trustCertificate(const QString& id, const AcceptedCertificate& certificate)
{
    std::optional<ServerProfile> p = m_store->byId(id);
    if (!p)
        return false;
    p->acceptedCertificates.removeIf(
        [&certificate](const AcceptedCertificate& c) { return c.sha256 == certificate.sha256; });
    p->acceptedCertificates.append(certificate);
    const QString error = m_store->update(*p);
    if (!error.isEmpty()) {
        showNotice(error);
        return false;
    }
    showNotice(tr("“%1” now trusts the certificate %2.").arg(p->name, certificate.sha256));
    reloadAndSelect(id);
    return true;
}

bool ProfileSidebar::addCaFile(const QString& id, const QString& path)
{
    std::optional<ServerProfile> p = m_store->byId(id);
    if (!p)
        return false;
    if (!p->caFiles.contains(path))
        p->caFiles.append(path);
    const QString error = m_store->update(*p);
    if (!error.isEmpty()) {
        showNotice(error);
        return false;
    }
    reloadAndSelect(id);
    return true;
}

void ProfileSidebar::reloadAndSelect(const QString& id)
{
    m_model->reload();
    showStoreNotices();
    select(id);
}

void ProfileSidebar::showNotice(const QString& text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

void ProfileSidebar::showStoreNotices()
{
    // What the store found (a broken file moved aside, a newer schema): said once, with the path.
    const QList<StoreNotice>& notices = m_store->notices();
    QStringList lines;
    for (qsizetype i = m_storeNoticesShown; i < notices.size(); ++i) {
        const StoreNotice& n = notices.at(i);
        lines.append(n.path.isEmpty() || n.message.contains(n.path) ? n.message
                                                                    : tr("%1 (%2)").arg(n.message, n.path));
    }
    m_storeNoticesShown = int(notices.size());
    if (m_store->isReadOnly() && lines.isEmpty() && m_notice->isHidden())
        lines.append(m_store->readOnlyReason());
    if (!lines.isEmpty())
        showNotice(lines.join(QLatin1Char('\n')));
    m_addButton->setEnabled(!m_store->isReadOnly());
}

void ProfileSidebar::showContextMenu(const QPoint& pos)
{
    const bool onItem = m_view->indexAt(pos).isValid();
    if (onItem)
        m_view->setCurrentIndex(m_view->indexAt(pos));
    QMenu menu(this);
    if (onItem) {
        menu.addAction(m_runAction);
        menu.addAction(m_editAction);
        menu.addAction(m_renameAction);
        menu.addAction(m_duplicateAction);
        menu.addSeparator();
        menu.addAction(m_deleteAction);
        menu.addSeparator();
    }
    menu.addMenu(m_addButton->menu())->setText(tr("&New"));
    const bool writable = !m_store->isReadOnly();
    for (QAction* a : {m_editAction, m_renameAction, m_duplicateAction, m_deleteAction})
        a->setEnabled(writable);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}
