import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;

/**
 * Uploads a file over FTP with Apache Commons Net (passive mode, binary type, storeFile),
 * checks the 226 reply, then lists {@code /} and the remote file's folder.
 *
 * <p>usage: java -cp DIR:commons-net.jar CommonsNetPut HOST PORT USER PASSWORD LOCAL_FILE
 * REMOTE_PATH [get]
 *
 * <p>With {@code get} it downloads REMOTE_PATH to LOCAL_FILE instead (retrieveFile, 226 too).
 * Prints the transfer's reply and one line per listed folder ({@code FOLDER: name name ...});
 * exits 1 on any failure.
 */
public class CommonsNetPut {
    public static void main(String[] args) throws Exception {
        if (args.length < 6 || args.length > 7 || (args.length == 7 && !args[6].equals("get"))) {
            System.err.println(
                    "usage: CommonsNetPut HOST PORT USER PASSWORD LOCAL_FILE REMOTE_PATH [get]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String user = args[2];
        String password = args[3];
        String local = args[4];
        String remote = args[5];
        boolean get = args.length == 7;

        FTPClient ftp = new FTPClient();
        ftp.setConnectTimeout(10000);
        ftp.setDefaultTimeout(10000);
        ftp.setDataTimeout(java.time.Duration.ofSeconds(10));
        try {
            ftp.connect(host, port);
            check(ftp, FTPReply.isPositiveCompletion(ftp.getReplyCode()), "connect");
            check(ftp, ftp.login(user, password), "login");
            ftp.enterLocalPassiveMode();
            check(ftp, ftp.setFileType(FTP.BINARY_FILE_TYPE), "TYPE I");
            boolean done;
            if (get) {
                try (OutputStream out = new FileOutputStream(local)) {
                    done = ftp.retrieveFile(remote, out);
                }
            } else {
                try (InputStream in = new FileInputStream(local)) {
                    done = ftp.storeFile(remote, in);
                }
            }
            int code = ftp.getReplyCode();
            String verb = get ? "RETR" : "STOR";
            System.out.println(verb + " reply: " + ftp.getReplyString().trim());
            check(ftp, done && code == 226, verb + " (expected 226, got " + code + ")");
            String dir = remote.substring(0, remote.lastIndexOf('/') + 1);
            for (String folder : new String[] {"/", dir.isEmpty() ? "/" : dir}) {
                FTPFile[] files = ftp.listFiles(folder);
                check(ftp, FTPReply.isPositiveCompletion(ftp.getReplyCode()), "LIST " + folder);
                StringBuilder line = new StringBuilder(folder + ":");
                for (FTPFile f : files) {
                    line.append(' ').append(f.getName());
                }
                System.out.println(line);
            }
            ftp.logout();
        } catch (Exception e) {
            System.err.println("CommonsNetPut failed: " + e);
            System.exit(1);
        } finally {
            if (ftp.isConnected()) {
                ftp.disconnect();
            }
        }
    }

    static void check(FTPClient ftp, boolean ok, String what) {
        if (!ok) {
            System.err.println(
                    "CommonsNetPut: " + what + " failed: " + ftp.getReplyString().trim());
            System.exit(1);
        }
    }
}
