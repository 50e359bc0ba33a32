#pragma once

#include "MainWindow.h"
#include "ProfileEditorDialog.h"
#include "ProfileSidebar.h"
#include "ServerBar.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QDirIterator>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

/// The dialog of type T that `parent` opened and that is still open (dialogs here open with open(),
/// window-modal, so the test fills them in as a user would).
template<typename T> T* openDialog(QObject* parent, const QString& objectName)
{
    for (T* d : parent->findChildren<T*>(objectName)) {
        if (d->isVisible())
            return d;
    }
    return nullptr;
}

inline ProfileEditorDialog* openEditor(MainWindow& window)
{
    return openDialog<ProfileEditorDialog>(window.serverBar(), QStringLiteral("profileEditor"));
}

inline QLineEdit* field(QWidget* dialog, const char* name)
{
    return dialog->findChild<QLineEdit*>(QString::fromLatin1(name));
}

/// Replaces a line edit's text by typing, as a user would (textEdited and textChanged both fire).
inline void retype(QLineEdit* edit, const QString& text)
{
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    // QTest types ASCII only; other text goes in as a paste would.
    bool ascii = true;
    for (QChar c : text)
        ascii = ascii && c.unicode() < 128;
    if (ascii)
        QTest::keyClicks(edit, text);
    else
        edit->insert(text);
}

inline QPushButton* saveButton(QDialog* dialog)
{
    return dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Save);
}

/// Every regular file under `dir` that contains `needle`.
inline QStringList filesContaining(const QString& dir, const QByteArray& needle)
{
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            hits.append(f.fileName());
    }
    return hits;
}
