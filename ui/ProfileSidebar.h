#pragma once

#include "profiles/ServerProfile.h"

#include <memory>
#include <optional>
#include <QWidget>

class ProfileEditorDialog;
class ProfileListModel;
class ProfileStore;
class QLabel;
class QLineEdit;
class QListView;
class QMenu;
class QSortFilterProxyModel;
class QToolButton;
class SecretStore;

/**
 * The saved profiles in the sidebar: filter as you type, add (empty, from a provider preset, the
 * demo sample), edit, duplicate, rename (F2), delete (Del) with undo, Enter runs; the same actions in
 * the context menu. Owns the ProfileStore and the SecretStore; tells the user what the store reported
 * (a broken file moved aside, with its new path; a file from a newer Mailscope, read-only) and what
 * the keychain did with a password.
 */
class ProfileSidebar final : public QWidget
{
    Q_OBJECT

public:
    /// `storePath` empty: ProfileStore::defaultPath().
    explicit ProfileSidebar(const QString& storePath = {}, QWidget* parent = nullptr);
    ~ProfileSidebar() override;
    Q_DISABLE_COPY_MOVE(ProfileSidebar)

    ProfileStore* store() const { return m_store.get(); }
    SecretStore* secrets() const { return m_secrets; }
    /// The selected profile, as stored now.
    std::optional<ServerProfile> current() const;
    bool select(const QString& id);
    void clearSelection();
    QListView* view() const { return m_view; }
    /// The notice line's text (store notices, keychain results); empty when hidden.
    QString notice() const;

public Q_SLOTS:
    void newProfile();
    /// Opens the editor on a new mail domain profile.
    void newDomainProfile();
    /// Opens the editor on a new profile filled from a preset ("gmail" or "gmail:imaps").
    void newFromPreset(const QString& spec);
    void addDemoSample();
    void editCurrent();
    void duplicateCurrent();
    void renameCurrent();
    void deleteCurrent();
    void undoDelete();
    /// Opens the editor on an unsaved profile (quick connect's "Save as profile").
    void saveAsProfile(const ServerProfile& draft, const QByteArray& password);
    /// Adds an accepted certificate to a stored profile; false (with a notice) when refused.
    bool trustCertificate(const QString& id, const AcceptedCertificate& certificate);
    /// Adds a CA file to a stored profile (the demo sample's "use the demo CA").
    bool addCaFile(const QString& id, const QString& path);

Q_SIGNALS:
    /// The selection changed, or the selected profile was edited.
    void currentChanged();
    /// Enter or "Run" on a profile.
    void runRequested();
    /// A profile was added or changed through the sidebar (its stored form).
    void profileSaved(const ServerProfile& profile);

private:
    ProfileEditorDialog* openEditor(const ServerProfile& profile, bool isNew,
                                    const QByteArray& password = {});
    /// The editor of a mail domain profile (openEditor() sends those here).
    void openDomainEditor(const ServerProfile& profile, bool isNew);
    void save(ServerProfile profile, bool isNew, const QByteArray& password, bool forgetPassword);
    void reloadAndSelect(const QString& id);
    void showNotice(const QString& text);
    void showStoreNotices();
    /// The undo is no longer possible: the deleted profile's keychain entry goes too.
    void finishPendingDelete();
    QMenu* makeAddMenu();
    void showContextMenu(const QPoint& pos);
    QStringList namesExcept(const QString& id) const;

    std::unique_ptr<ProfileStore> m_store;
    SecretStore* m_secrets = nullptr;
    ProfileListModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QLineEdit* m_filter = nullptr;
    QListView* m_view = nullptr;
    QToolButton* m_addButton = nullptr;
    QLabel* m_notice = nullptr;
    QWidget* m_undoBar = nullptr;
    QLabel* m_undoLabel = nullptr;
    std::optional<ServerProfile> m_deleted;
    QAction* m_runAction = nullptr;
    QAction* m_editAction = nullptr;
    QAction* m_duplicateAction = nullptr;
    QAction* m_renameAction = nullptr;
    QAction* m_deleteAction = nullptr;
    int m_storeNoticesShown = 0;
};
