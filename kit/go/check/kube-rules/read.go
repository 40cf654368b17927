// kube-rules read: manifests as `kubectl apply -f PATH... [-R]` reads them, with kubectl's own
// code (k8s.io/cli-runtime pkg/resource, the release kubectl 1.34 is built with): its path
// expansion (Builder.Path: a file whatever its name, the *.json, *.yaml and *.yml of a folder,
// subfolders with -R), its YAML-or-JSON stream decoder (go-yaml through sigs.k8s.io/yaml, so
// escapes, flow style and number-like scalars read as kubectl reads them), its decoding into
// unstructured objects (apiVersion and kind required) and its flattening of lists. The answer is
// what kubectl would send: the objects of each file, or that file's errors in kubectl's words, so
// that one unreadable file does not hide the others (kubectl apply goes on past it too).
//
// Input: {"paths": [...], "recursive": bool}. Output: {"error": "..."} when kubectl would refuse
// the paths themselves (one that does not exist, a folder without manifests), else
// {"files": [{"path", "objects", "error", "text"}]} in kubectl's order (the objects
// decoded before an error are kept, as kubectl applies them); "text" is what the file
// held when it is not a regular file (a pipe can be read once, and the caller compares its own
// reading with this one).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"k8s.io/cli-runtime/pkg/resource"
)

type readRequest struct {
	Paths     []string `json:"paths"`
	Recursive bool     `json:"recursive"`
}

type readFile struct {
	Path    string            `json:"path"`
	Objects []json.RawMessage `json:"objects"`
	Error   string            `json:"error,omitempty"`
	Text    *string           `json:"text,omitempty"`
}

type readAnswer struct {
	Error string     `json:"error,omitempty"`
	Files []readFile `json:"files,omitempty"`
}

func read(in io.Reader, out io.Writer) error {
	var request readRequest
	if err := json.NewDecoder(in).Decode(&request); err != nil {
		return fmt.Errorf("reading the request: %w", err)
	}
	answer := readPaths(request)
	return json.NewEncoder(out).Encode(answer)
}

func readPaths(request readRequest) readAnswer {
	// What kubectl refuses before it reads a file: Builder.Path's own checks and messages.
	checked := resource.NewLocalBuilder().Unstructured().Path(request.Recursive, request.Paths...).Do()
	if err := checked.Err(); err != nil {
		return readAnswer{Error: err.Error()}
	}
	answer := readAnswer{Files: []readFile{}}
	for _, path := range request.Paths {
		// The files Builder.Path visits for path, in its order (a nil mapper: they are not read here).
		visitors, err := resource.ExpandPathsToFileVisitors(nil, path, request.Recursive, resource.FileExtensions, nil)
		if err != nil {
			return readAnswer{Error: fmt.Sprintf("error reading %q: %v", path, err)}
		}
		for _, visitor := range visitors {
			answer.Files = append(answer.Files, readOneFile(visitor.(*resource.FileVisitor).Path))
		}
	}
	return answer
}

// readOneFile reads one file as FileVisitor.Visit does (open it, a UTF-16 byte-order mark turns
// the stream to UTF-8), but from its bytes, which it keeps for a pipe; then the builder's own
// stream visitor, unstructured decoder and list flattening, going on past an object it cannot
// decode as kubectl's ContinueOnError does.
func readOneFile(path string) readFile {
	file := readFile{Path: path, Objects: []json.RawMessage{}}
	data, regular, err := readBytes(path)
	if err != nil {
		file.Error = err.Error()
		return file
	}
	if !regular {
		text := string(data)
		file.Text = &text
	}
	stream := transform.NewReader(bytes.NewReader(data), unicode.BOMOverride(unicode.UTF8.NewDecoder()))
	result := resource.NewLocalBuilder().Unstructured().ContinueOnError().Flatten().Stream(stream, path).Do()
	err = result.Visit(func(info *resource.Info, err error) error {
		if err != nil {
			return err
		}
		raw, err := json.Marshal(info.Object)
		if err != nil {
			return err
		}
		file.Objects = append(file.Objects, raw)
		return nil
	})
	if err != nil {
		file.Error = err.Error()
	}
	return file
}

// readBytes is what FileVisitor.Visit opens (its os.Open error as it returns it) and reads, and
// whether it is a regular file.
func readBytes(path string) ([]byte, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, false, fmt.Errorf("error parsing %s: %v", path, err)
	}
	return data, info.Mode().IsRegular(), nil
}
